package accounts

import (
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
