package backup

import (
	"crypto/ecdh"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"twofold/accounts"
)

// TestTwofoldBackupWithYubiKey: a Twofold backup made with a YubiKey's
// slot besides its password opens with the key alone, and with the
// password alone; without either it asks for the password.
func TestTwofoldBackupWithYubiKey(t *testing.T) {
	priv, err := ecdh.P256().GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	fp := sha256.Sum256([]byte("certificate"))
	ref := accounts.YubiKeyRef{Serial: 99, Slot: 0x82, Public: priv.PublicKey(), Cert: fp[:]}
	key := &accounts.YubiKeyUnlocker{Agree: func(r accounts.YubiKeyRef, peer *ecdh.PublicKey) ([]byte, error) {
		return priv.ECDH(peer)
	}}
	absent := &accounts.YubiKeyUnlocker{Agree: func(accounts.YubiKeyRef, *ecdh.PublicKey) ([]byte, error) {
		return nil, errors.New("not plugged in")
	}}
	accts := []*accounts.Account{{Issuer: "Netim", Name: "alice", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("12345678901234567890")}}
	out := filepath.Join(t.TempDir(), "b.twofold")
	w, err := Export(Twofold, accts, out, Options{Password: []byte("a long password"), Argon2: cheapArgon2, YubiKeys: []accounts.YubiKeyRef{ref}})
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(w.Files[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		pw   []byte
		keys []accounts.Unlocker
	}{
		"the key alone":      {nil, []accounts.Unlocker{key}},
		"the password alone": {[]byte("a long password"), nil},
	} {
		r, err := Import(data, Twofold, tc.pw, tc.keys...)
		if err != nil || len(r.Accounts) != 1 || r.Accounts[0].Name != "alice" {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := Import(data, Twofold, nil, absent); !errors.Is(err, ErrPasswordNeeded) {
		t.Errorf("the key absent: %v, want the password asked for", err)
	}
}
