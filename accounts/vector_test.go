package accounts

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// The format test vectors of docs/vault-format.md: testdata/vector-vN.twofold
// and the intermediate values in testdata/vector-vN.json, one for each
// format this Twofold reads. The test reads the file the way an
// independent reader would (not through Open), so a change to the format
// breaks it. TWOFOLD_UPDATE_VECTORS=1 writes a new vector for the current
// format (only ever for a new format version).
type vector struct {
	Password string `json:"password"`
	KEK      string `json:"kek_hex"`
	DataKey  string `json:"data_key_hex"`
	Body     string `json:"body_json"`
}

func TestFormatVector(t *testing.T) {
	for version := oldestVersion; version <= FormatVersion; version++ {
		t.Run(strconv.Itoa(version), func(t *testing.T) { checkVector(t, version) })
	}
}

func checkVector(t *testing.T, version int) {
	file := fmt.Sprintf("testdata/vector-v%d.twofold", version)
	meta := fmt.Sprintf("testdata/vector-v%d.json", version)
	if os.Getenv("TWOFOLD_UPDATE_VECTORS") == "1" && version == FormatVersion {
		writeVector(t, file, meta)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var vec vector
	raw, err := os.ReadFile(meta)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &vec); err != nil {
		t.Fatal(err)
	}

	// Prefix.
	if string(data[:8]) != "TWOFOLDV" || binary.BigEndian.Uint16(data[8:]) != uint16(version) {
		t.Fatal("bad magic or version")
	}
	n := int(binary.BigEndian.Uint32(data[10:]))
	hdrEnd := 14 + n
	sum := sha256.Sum256(data[:hdrEnd])
	if !bytes.Equal(sum[:], data[hdrEnd:hdrEnd+32]) {
		t.Fatal("header checksum")
	}
	var h struct {
		ID       string
		KeyCheck string
		Slots    []struct {
			Type string
			Args map[string]string
			Body string
		}
	}
	if err := json.Unmarshal(data[14:hdrEnd], &h); err != nil {
		t.Fatal(err)
	}
	// Password slot: Argon2id -> KEK -> XChaCha20-Poly1305 unwrap.
	s := h.Slots[0]
	if s.Type != "password" || s.Args["kdf"] != "argon2id" {
		t.Fatalf("slot %+v", s)
	}
	salt, _ := base64.StdEncoding.DecodeString(s.Args["salt"])
	tm, _ := strconv.Atoi(s.Args["t"])
	m, _ := strconv.Atoi(s.Args["m"])
	p, _ := strconv.Atoi(s.Args["p"])
	kek := argon2.IDKey([]byte(vec.Password), salt, uint32(tm), uint32(m), uint8(p), 32)
	if hex.EncodeToString(kek) != vec.KEK {
		t.Fatalf("KEK %x, want %s", kek, vec.KEK)
	}
	wrapped, _ := base64.StdEncoding.DecodeString(s.Body)
	aead, _ := chacha20poly1305.NewX(kek)
	dataKey, err := aead.Open(nil, wrapped[:24], wrapped[24:], []byte("twofold password slot"))
	if err != nil || hex.EncodeToString(dataKey) != vec.DataKey {
		t.Fatalf("data key %x, %v; want %s", dataKey, err, vec.DataKey)
	}
	check := keyCheck(dataKey)
	if base64.StdEncoding.EncodeToString(check) != h.KeyCheck {
		t.Fatal("key check")
	}
	// Body.
	off := hdrEnd + 32
	body, err := mustAEAD(dataKey).Open(nil, data[off:off+24], data[off+24:], data[:off])
	if err != nil {
		t.Fatal(err)
	}
	if string(body) != vec.Body {
		t.Fatalf("body\n%s\nwant\n%s", body, vec.Body)
	}
	// And Open agrees.
	v, err := Read(file, &PasswordSlot{Password: []byte(vec.Password)})
	if err != nil || len(v.Accounts) != 2 || v.Accounts[1].Kind != HOTP {
		t.Fatalf("Read: %v %+v", err, v)
	}
	if version == 2 && (len(v.deleted.Accounts) != 1 || v.Accounts[0].Name != "alice@example.org") {
		t.Fatalf("Read: the deletion or the rename is lost: %+v %+v", v.Accounts[0], v.deleted)
	}
}

func mustAEAD(key []byte) interface {
	Open(dst, nonce, ciphertext, ad []byte) ([]byte, error)
} {
	a, _ := chacha20poly1305.NewX(key)
	return a
}

func writeVector(t *testing.T, file, meta string) {
	dir := t.TempDir()
	path := filepath.Join(dir, "v.twofold")
	slot := &PasswordSlot{Password: []byte("twofold test vector")}
	v, err := Create(path, slot)
	if err != nil {
		t.Fatal(err)
	}
	when := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	v.clock = clock{device: "0123456789abcdef", name: "vector-pc", now: func() time.Time { return when }}
	for i, line := range []string{
		"otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
		"otpauth://hotp/Counter%20Co:bob?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&counter=7&digits=8&algorithm=SHA256",
		"otpauth://totp/Gone:carol?secret=MFRGGZDFMZTWQ2LK",
	} {
		a, _ := ParseURI(line)
		v.Add(a)
		a.ID = fmt.Sprintf("%016x", i+1)
		a.Created, a.Updated = when, when
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	// A rename and a deletion, a minute later: stamps and a deleted record.
	when = when.Add(time.Minute)
	v.Accounts[0].Name = "alice@example.org"
	v.Remove(v.Accounts[2].ID)
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(v.contents())
	data, _ := os.ReadFile(path)
	h, _, _ := parseHeader(data)
	salt, _ := base64.StdEncoding.DecodeString(h.Slots[0].Args["salt"])
	kek := argon2.IDKey(slot.Password, salt, DefaultArgon2.Time, DefaultArgon2.Memory, DefaultArgon2.Threads, 32)
	vec := vector{Password: string(slot.Password), KEK: hex.EncodeToString(kek), DataKey: hex.EncodeToString(v.key), Body: string(body)}
	out, _ := json.MarshalIndent(vec, "", "  ")
	os.WriteFile(file, data, 0o644)
	os.WriteFile(meta, append(out, '\n'), 0o644)
	v.Close()
}
