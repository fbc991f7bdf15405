package accounts

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// TestConflictCopies: sync tools' copies of the vault are merged and then
// moved to the local state folder; copies that do not open are left
// where they are and reported; other files are not touched.
func TestConflictCopies(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "vault.twofold")
	v, err := Create(path, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	accts := testAccounts(4)
	v.Add(accts[0])
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	// Two computers wrote at once: one copy has an account the other lacks.
	w, err := Open(path, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	w.Add(accts[1])
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	theirs, _ := os.ReadFile(path)
	copies := map[string][]byte{
		"vault.sync-conflict-20261202-170501-ABCDEFG.twofold":  theirs, // Syncthing
		"vault (desk-pc's conflicted copy 2026-12-02).twofold": theirs, // Dropbox
	}
	other, err := Create(filepath.Join(t.TempDir(), "other.twofold"), pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	otherData, _ := os.ReadFile(other.Path())
	left := map[string][]byte{
		"vault (conflicted copy 2026-12-02 170501).twofold": otherData,             // Nextcloud: another vault
		"vault-DESKTOP-1.twofold":                           []byte("not a vault"), // OneDrive: damaged
	}
	untouched := map[string][]byte{"vault.twofold.txt": theirs, "notes.twofold": theirs}
	for _, m := range []map[string][]byte{copies, left, untouched} {
		for name, data := range m {
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	os.WriteFile(path, before, 0o600) // the sync tool kept the other version

	x, err := Open(path, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Accounts) != 2 {
		t.Fatalf("opened with %d accounts, want the 2 of both copies", len(x.Accounts))
	}
	if err := x.Save(); err != nil {
		t.Fatal(err)
	}
	if r, err := Read(path, pw("correct horse")); err != nil || len(r.Accounts) != 2 {
		t.Fatalf("after the save the vault holds %v, %v; want both accounts", r, err)
	}
	for name := range copies {
		if _, err := os.Stat(filepath.Join(dir, name)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("the merged copy %s is still beside the vault", name)
		}
		state, _ := vaultStateDir(x.ID())
		if _, err := os.Stat(filepath.Join(state, "conflicts", name)); err != nil {
			t.Errorf("the merged copy %s was not kept: %v", name, err)
		}
	}
	got := map[string]error{}
	for _, c := range x.Conflicts() {
		got[filepath.Base(c.Path)] = c.Err
	}
	for name := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("the copy %s that does not open was moved: %v", name, err)
		}
		if got[name] == nil {
			t.Errorf("the copy %s is not reported (%v)", name, got)
		}
	}
	if !errors.Is(got["vault (conflicted copy 2026-12-02 170501).twofold"], ErrOtherVault) {
		t.Errorf("another vault's copy: %v", got)
	}
	for name := range untouched {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was touched: %v", name, err)
		}
	}
}

// TestUndoDeletion: an account deleted and saved, then put back (the
// app's Undo), is live again in the file, not also among the deleted.
func TestUndoDeletion(t *testing.T) {
	path, v := newVault(t, 2)
	a := v.Accounts[0]
	if _, err := v.Remove(a.ID); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Accounts = append(v.Accounts, a)
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	r, err := Read(path, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Accounts) != 2 || len(r.deleted.Accounts) != 0 {
		t.Fatalf("after the undo: %d live, %d deleted; want 2 and 0", len(r.Accounts), len(r.deleted.Accounts))
	}
}

// TestSlotsMerge: the header's slots merge as a set: a slot added by one
// writer is not undone by another's next write, nor is a slot removed.
func TestSlotsMerge(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.twofold")
	password := &PasswordSlot{Password: []byte("right"), Params: cheap}
	v, err := Create(path, password)
	if err != nil {
		t.Fatal(err)
	}
	w, err := Open(path, password) // another Twofold, opened before the change
	if err != nil {
		t.Fatal(err)
	}
	key := newSoftKey(t, 333)
	if err := v.AddSlot(SlotYubiKey, &YubiKeySlot{Ref: key.ref()}); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	w.Add(testAccounts(1)[0])
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path, unlocker(key)); err != nil {
		t.Fatalf("the other writer's save dropped the YubiKey slot: %v", err)
	}
	// Removed (the password stays, so no new key): w, which still has the
	// slot in memory, does not bring it back.
	if err := v.RemoveYubiKey(333); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	w.Accounts[0].Note = "a later edit"
	if err := w.Save(); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path, unlocker(key)); err == nil {
		t.Fatal("the other writer's save brought the removed YubiKey slot back")
	}
	if r, err := Read(path, password); err != nil || r.Accounts[0].Note != "a later edit" {
		t.Fatalf("after both: %v", err)
	}
}

// TestUpgradeFromFormat1: a format 1 vault opens, is written as format 2
// at the first save, and the format 1 file stays as the newest kept copy.
func TestUpgradeFromFormat1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "vault.twofold")
	old, err := os.ReadFile("testdata/vector-v1.twofold")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, old, 0o600)
	var vec vector
	raw, _ := os.ReadFile("testdata/vector-v1.json")
	json.Unmarshal(raw, &vec)
	v, err := Open(path, pw(vec.Password))
	if err != nil {
		t.Fatal(err)
	}
	if v.version != 1 || len(v.Accounts) != 2 {
		t.Fatalf("opened format %d with %d accounts", v.version, len(v.Accounts))
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if info, err := Inspect(path); err != nil || info.Version != FormatVersion {
		t.Fatalf("after the save: format %v, %v", info, err)
	}
	kept, err := os.ReadFile(v.Generations()[0])
	if err != nil || !bytes.Equal(kept, old) {
		t.Fatalf("the format 1 file is not the newest kept copy: %v", err)
	}
	r, err := Read(path, pw(vec.Password))
	if err != nil || len(r.Accounts) != 2 || r.Accounts[1].Kind != HOTP {
		t.Fatalf("the upgraded vault: %v", err)
	}
}
