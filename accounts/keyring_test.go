package accounts

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zalando/go-keyring"

	"twofold/internal/testenv"
)

// TestKeyringSlotRealSecretService runs against the session's real
// Secret Service (gnome-keyring under the README's test command).
func TestKeyringSlotRealSecretService(t *testing.T) {
	testenv.SecretService(t)
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := Create(path, KeyringSlot{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range testAccounts(3) {
		v.Add(a)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	stanza := v.hdr.Slots[0]
	v.Close()

	// The key is in the Secret Service, as another client sees it.
	if secretTool, err := exec.LookPath("secret-tool"); err == nil {
		out, err := exec.Command(secretTool, "lookup", "service", KeyringService, "username", stanza.Args["user"]).Output()
		if err != nil || len(strings.TrimSpace(string(out))) != 44 {
			t.Errorf("secret-tool does not find the key: %v (%d bytes)", err, len(out))
		}
	}

	r, err := Read(path, KeyringSlot{})
	if err != nil || len(r.Accounts) != 3 {
		t.Fatalf("reopen from the keyring: %v", err)
	}

	// Add a password, drop the keyring slot: the item goes, the password opens.
	w, err := Open(path, KeyringSlot{})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddSlot(SlotPassword, pw("pw")); err != nil {
		t.Fatal(err)
	}
	if err := w.RemoveSlot(SlotKeyring); err != nil {
		t.Fatal(err)
	}
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	if err := w.Forgotten(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	if _, err := keyring.Get(KeyringService, stanza.Args["user"]); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the keyring item is still there: %v", err)
	}
	if _, err := Read(path, pw("pw")); err != nil {
		t.Errorf("password after unprotect --keyring: %v", err)
	}
}

// TestKeyringItemMissing: a vault whose keyring item was deleted says so.
func TestKeyringItemMissing(t *testing.T) {
	testenv.SecretService(t)
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := Create(path, KeyringSlot{})
	if err != nil {
		t.Fatal(err)
	}
	st := v.hdr.Slots[0]
	v.Close()
	if err := ForgetKeyring(st); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path, KeyringSlot{}); !errors.Is(err, ErrKeyMissing) {
		t.Errorf("Read = %v, want ErrKeyMissing", err)
	}
}

// BenchmarkOpen1000RealKeyring is BenchmarkOpen1000 with the keyring's
// round trip to the real Secret Service included.
func BenchmarkOpen1000RealKeyring(b *testing.B) {
	testenv.SecretService(b)
	path := filepath.Join(b.TempDir(), "vault.twofold")
	v, err := Create(path, KeyringSlot{})
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range testAccounts(1000) {
		v.Add(a)
	}
	v.Save()
	st := v.hdr.Slots[0]
	v.Close()
	defer ForgetKeyring(st)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(path, KeyringSlot{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPasswordChangeRotates: after a password change the old password
// opens no current file, the new one does, and so does the keyring slot
// (whose item is new: the old item is deleted); the kept copies still
// open with the old password until ForgetGenerations.
func TestPasswordChangeRotates(t *testing.T) {
	testenv.SecretService(t)
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := Create(path, KeyringSlot{})
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	if err := v.AddSlot(SlotPassword, pw("old password")); err != nil {
		t.Fatal(err)
	}
	v.Accounts = append(v.Accounts, testAccounts(2)...)
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	oldItem := v.hdr.Slots[0].Args["user"]
	if err := v.AddSlot(SlotPassword, pw("new password")); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if err := v.Forgotten(); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path, pw("old password")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("the old password on the current vault: %v", err)
	}
	for _, u := range []Unlocker{pw("new password"), KeyringSlot{}} {
		if r, err := Read(path, u); err != nil || len(r.Accounts) != 2 {
			t.Errorf("%s on the current vault: %v", u.SlotType(), err)
		}
	}
	if _, err := keyring.Get(KeyringService, oldItem); !errors.Is(err, keyring.ErrNotFound) {
		t.Errorf("the old keyring item is still there: %v", err)
	}
	// The copy kept from before the change opens with the old password,
	// never with the new one, until it is deleted.
	kept := v.Generations()[0]
	if _, err := Read(kept, pw("old password")); err != nil {
		t.Errorf("the kept copy with the old password: %v", err)
	}
	if _, err := Read(kept, pw("new password")); err == nil {
		t.Error("the new password opens the copy from before the change")
	}
	if n, err := v.ForgetGenerations(); err != nil || n != 2 {
		t.Errorf("ForgetGenerations() = %d, %v; want the 2 kept copies", n, err)
	}
	if v.KeptGenerations() != 0 {
		t.Error("copies are left")
	}
}
