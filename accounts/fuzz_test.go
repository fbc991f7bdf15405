package accounts

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"

	"twofold/internal/hostile"
)

// fuzzKey is an unlocker that hands back whatever key the fuzzer chose,
// for a slot of any type: what a crafted slot can make any unlocker
// return. (The password slot is fuzzed through real Argon2id below.)
type fuzzKey struct {
	typ string
	key []byte
}

func (f fuzzKey) SlotType() string              { return f.typ }
func (f fuzzKey) Unlock(Stanza) ([]byte, error) { return append([]byte{}, f.key...), nil }

// container assembles a vault file around a header and a Contents the
// fuzzer chose: the header's checksum and key check are computed here,
// and a 32-byte key seals the Contents, so mutations get past the integrity
// checks that would otherwise stop every one of them (why byte-level
// fuzzing of whole files never reached a slot's key of the wrong size).
func container(hdrJSON, key, plain []byte) []byte {
	var h header
	if json.Unmarshal(hdrJSON, &h) == nil {
		h.KeyCheck = keyCheck(key)
		hdrJSON, _ = json.Marshal(h)
	}
	out := []byte(magic)
	out = binary.BigEndian.AppendUint16(out, FormatVersion)
	out = binary.BigEndian.AppendUint32(out, uint32(len(hdrJSON)))
	out = append(out, hdrJSON...)
	sum := sha256.Sum256(out)
	out = append(out, sum[:]...)
	nonce := make([]byte, chacha20poly1305.NonceSizeX)
	if aead, err := chacha20poly1305.NewX(key); err == nil {
		return aead.Seal(append(out, nonce...), nonce, plain, out)
	}
	return append(append(out, nonce...), plain...)
}

// cheapSlots reports whether every password slot in the header asks for
// a cheap Argon2id run: the cost bounds have their own tests, and a
// fuzzer spending a second per input would not fuzz.
func cheapSlots(hdrJSON []byte) bool {
	var h header
	if json.Unmarshal(hdrJSON, &h) != nil {
		return true
	}
	for _, s := range h.Slots {
		if s.Type != SlotPassword {
			continue
		}
		t, _ := strconv.ParseUint(s.Args["t"], 10, 32)
		m, _ := strconv.ParseUint(s.Args["m"], 10, 32)
		if t*m > 64 {
			return false
		}
	}
	return true
}

func FuzzDecode(f *testing.F) {
	accts := testAccounts(3)
	accts[0].RecoveryCodes = []RecoveryCode{{Code: "RC-123"}}
	plain, _ := json.Marshal(Contents{Accounts: accts, KeyAccounts: []*KeyAccount{{KeyID: KeyID{Serial: 1}, Credential: "a:b"}}, Keys: []*KnownKey{{KeyID: KeyID{Serial: 1}, Name: "k"}}})
	key := bytes.Repeat([]byte{4}, 32)
	pwSlot, _ := (&PasswordSlot{Password: []byte(hostile.Password), Params: cheap}).Lock(key)
	for _, slots := range [][]Stanza{
		{pwSlot},
		{{Type: SlotKeyring, Args: map[string]string{"service": "Twofold", "user": "vault-key-1"}}, pwSlot},
		{{Type: SlotYubiKey, Args: map[string]string{"serial": "1"}}},
	} {
		h, _ := json.Marshal(header{ID: "abcd", Slots: slots})
		f.Add(h, key, plain)
		f.Add(h, key[:16], plain) // a slot that gives a 16-byte key
		f.Add(h, key, []byte(`{"accounts":[{"secret":"AAAA","digits":99}]}`))
	}
	// Valid-but-hostile headers: over the cost bounds, too many slots.
	for _, data := range [][]byte{hostile.Twofold(hostile.Slot{T: 64, M: 1 << 20, P: 255, KeyLen: 32}), hostile.ManySlots(20)} {
		n := binary.BigEndian.Uint32(data[len(magic)+2:])
		f.Add(data[prefixLen:prefixLen+int(n)], key, plain)
	}
	secrets := map[string]bool{}
	for _, a := range accts {
		secrets[EncodeSecret(a.Secret)] = true
	}
	f.Fuzz(func(t *testing.T, hdrJSON, key, plain []byte) {
		if !cheapSlots(hdrJSON) {
			return
		}
		data := container(hdrJSON, key, plain)
		var h header
		json.Unmarshal(hdrJSON, &h)
		unlockers := []Unlocker{&PasswordSlot{Password: []byte(hostile.Password)}}
		if len(h.Slots) > 0 && h.Slots[0].Type != SlotPassword {
			unlockers = append(unlockers, fuzzKey{h.Slots[0].Type, key})
		}
		got, err := Decode(data, unlockers...)
		if err != nil {
			if len(key) >= 8 {
				secrets[base64.StdEncoding.EncodeToString(key)] = true
				defer delete(secrets, base64.StdEncoding.EncodeToString(key))
			}
			for s := range secrets {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("the error shows a secret: %v", err)
				}
			}
			return
		}
		for _, a := range got {
			_ = a.Label() // what callers do first; Validate is the importer's job
		}
	})
}
