package accounts

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"path/filepath"
	"testing"
)

func seq(from byte, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = from + byte(i)
	}
	return b
}

// softKey plays a YubiKey's PIV slot in memory.
type softKey struct {
	serial uint32
	priv   *ecdh.PrivateKey
	asked  int
}

func newSoftKey(t *testing.T, serial uint32) *softKey {
	t.Helper()
	k, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return &softKey{serial: serial, priv: k}
}

func (k *softKey) ref() YubiKeyRef {
	fp := sha256.Sum256(k.priv.PublicKey().Bytes())
	return YubiKeyRef{Serial: k.serial, Slot: 0x82, Public: k.priv.PublicKey(), Cert: fp[:]}
}

// unlocker answers for whichever of keys the slot names, as the card
// plugged in would; a slot of a key not plugged in fails.
func unlocker(keys ...*softKey) *YubiKeyUnlocker {
	return &YubiKeyUnlocker{Agree: func(ref YubiKeyRef, peer *ecdh.PublicKey) ([]byte, error) {
		for _, k := range keys {
			if k.serial == ref.Serial {
				k.asked++
				return k.priv.ECDH(peer)
			}
		}
		return nil, errors.New("that key is not plugged in")
	}}
}

// TestYubiKeyVector is docs/vault-format.md's yubikey slot vector: fixed
// keys, nonce and data key give this exact body, and it opens.
func TestYubiKeyVector(t *testing.T) {
	slotKey, err := ecdh.P256().NewPrivateKey(seq(0x01, 32))
	if err != nil {
		t.Fatal(err)
	}
	eph, err := ecdh.P256().NewPrivateKey(seq(0x21, 32))
	if err != nil {
		t.Fatal(err)
	}
	ref := YubiKeyRef{Serial: 12345678, Slot: 0x82, Public: slotKey.PublicKey(), Cert: seq(0xa0, 32)}
	st, err := sealYubiKey(ref, eph, seq(0x41, 24), seq(0x61, 32))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"serial": "12345678", "slot": "82",
		"pub":  base64.StdEncoding.EncodeToString(slotKey.PublicKey().Bytes()),
		"epk":  base64.StdEncoding.EncodeToString(eph.PublicKey().Bytes()),
		"cert": hex.EncodeToString(seq(0xa0, 32)),
	}
	for k, v := range want {
		if st.Args[k] != v {
			t.Errorf("args[%s] = %q, want %q", k, st.Args[k], v)
		}
	}
	const body = "4142434445464748494a4b4c4d4e4f505152535455565758c7cefec0fab2365fc10481cb055d89f3ee93aa32422e87e59277fbab1f10597e21c5f7c601c480931bf89e99e06fdcd6"
	if got := hex.EncodeToString(st.Body); got != body {
		t.Errorf("body %s\nwant %s", got, body)
	}
	key, err := (&YubiKeyUnlocker{Agree: func(r YubiKeyRef, peer *ecdh.PublicKey) ([]byte, error) {
		return slotKey.ECDH(peer)
	}}).Unlock(st)
	if err != nil || hex.EncodeToString(key) != hex.EncodeToString(seq(0x61, 32)) {
		t.Fatalf("unlock: %x, %v", key, err)
	}
}

// TestYubiKeySlots: a vault protected by two keys opens with either and
// asks a key only when its slot is tried; a removed key opens nothing
// written since; a password change keeps the keys' slots; the last slot
// stays; the same key twice is refused.
func TestYubiKeySlots(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.twofold")
	pw := &PasswordSlot{Password: []byte("right"), Params: cheap}
	main, spare := newSoftKey(t, 111), newSoftKey(t, 222)
	v, err := Create(path, pw)
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []*softKey{main, spare} {
		if err := v.AddSlot(SlotYubiKey, &YubiKeySlot{Ref: k.ref()}); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.AddSlot(SlotYubiKey, &YubiKeySlot{Ref: main.ref()}); err == nil {
		t.Error("the same key was added twice")
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()

	for _, k := range []*softKey{main, spare} {
		r, err := Read(path, unlocker(k))
		if err != nil {
			t.Fatalf("key %d: %v", k.serial, err)
		}
		if len(r.YubiKeySlots()) != 2 {
			t.Errorf("%d yubikey slots", len(r.YubiKeySlots()))
		}
	}
	// The password first: it opens, and no key is asked.
	main.asked = 0
	if _, err := Read(path, &PasswordSlot{Password: []byte("right")}, unlocker(main)); err != nil || main.asked != 0 {
		t.Errorf("password first: %v, the key asked %d times", err, main.asked)
	}
	// Another card key in the right serial's place does not open it.
	impostor := newSoftKey(t, 111)
	if _, err := Read(path, unlocker(impostor)); !errors.Is(err, ErrYubiKeyMismatch) {
		t.Errorf("impostor: %v", err)
	}

	v, err = Open(path, unlocker(main))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.AddSlot(SlotPassword, &PasswordSlot{Password: []byte("changed"), Params: cheap}); err != nil {
		t.Fatal(err) // a new data key: the keys' slots are wrapped again without them
	}
	if err := v.RemoveYubiKey(222); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := Read(path, unlocker(spare)); err == nil {
		t.Error("the removed key still opens the vault")
	}
	if _, err := Read(path, unlocker(main)); err != nil {
		t.Errorf("the kept key after a password change and a removal: %v", err)
	}

	v, err = Open(path, unlocker(main))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.RemoveSlot(SlotPassword); err != nil {
		t.Fatal(err)
	}
	if err := v.RemoveYubiKey(111); !errors.Is(err, ErrLastSlot) {
		t.Errorf("removing the last slot: %v", err)
	}
	// With no password slot a removal gives the vault a new data key.
	third := newSoftKey(t, 333)
	if err := v.AddSlot(SlotYubiKey, &YubiKeySlot{Ref: third.ref()}); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	before := append([]byte(nil), v.key...)
	if err := v.RemoveYubiKey(333); err != nil {
		t.Fatal(err)
	}
	if string(before) == string(v.key) {
		t.Error("the data key stayed after removing a key from a vault without a password")
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := Read(path, unlocker(third)); err == nil {
		t.Error("the removed third key still opens the vault")
	}
	if _, err := Read(path, unlocker(main)); err != nil {
		t.Errorf("the main key after the rekey: %v", err)
	}
}

// TestYubiKeySlotTampering: a changed body or point never gives a key;
// a point off the curve or of the wrong size is refused before any card
// is asked.
func TestYubiKeySlotTampering(t *testing.T) {
	k := newSoftKey(t, 7)
	st, err := (&YubiKeySlot{Ref: k.ref()}).Lock(seq(1, 32))
	if err != nil {
		t.Fatal(err)
	}
	clone := func() Stanza {
		c := Stanza{Type: st.Type, Args: map[string]string{}, Body: append([]byte(nil), st.Body...)}
		for a, v := range st.Args {
			c.Args[a] = v
		}
		return c
	}
	flipped := clone()
	flipped.Body[30] ^= 1
	if _, err := unlocker(k).Unlock(flipped); !errors.Is(err, ErrYubiKeyMismatch) {
		t.Errorf("flipped body: %v", err)
	}
	offCurve := append([]byte{4}, seq(1, 64)...)
	for name, edit := range map[string]func(*Stanza){
		"point off the curve": func(s *Stanza) { s.Args["epk"] = base64.StdEncoding.EncodeToString(offCurve) },
		"huge point":          func(s *Stanza) { s.Args["epk"] = base64.StdEncoding.EncodeToString(make([]byte, 1<<16)) },
		"other public key": func(s *Stanza) {
			s.Args["pub"] = base64.StdEncoding.EncodeToString(newSoftKey(t, 8).priv.PublicKey().Bytes())
		},
		"slot 9a":   func(s *Stanza) { s.Args["slot"] = "9a" },
		"long body": func(s *Stanza) { s.Body = append(s.Body, 0) },
	} {
		c := clone()
		edit(&c)
		k.asked = 0
		_, err := unlocker(k).Unlock(c)
		if err == nil {
			t.Errorf("%s: opened", name)
		}
		if name != "other public key" && k.asked != 0 {
			t.Errorf("%s: the card was asked", name)
		}
	}
}

// TestYubiKeyVaultEveryFlippedByte: a vault locked by a key alone, with
// any byte changed, is "damaged" (or not a vault, or newer), never open.
func TestYubiKeyVaultEveryFlippedByte(t *testing.T) {
	k := newSoftKey(t, 9)
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := Create(path, &YubiKeySlot{Ref: k.ref()})
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	eachFlippedByte(t, path, unlocker(k), func(i, size int, err error) {
		if !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrNotVault) && !errors.Is(err, ErrNewerVersion) {
			t.Fatalf("flip at %d of %d: %v", i, size, err)
		}
	})
}
