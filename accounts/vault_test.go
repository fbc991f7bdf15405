package accounts

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// cheap keeps tests fast; the CLI always uses DefaultArgon2.
var cheap = Argon2Params{Time: 1, Memory: 8, Threads: 1}

func pw(s string) *PasswordSlot { return &PasswordSlot{Password: []byte(s), Params: cheap} }

// fixedKey is an Unlocker/Locker standing in for the keyring slot where a
// benchmark must leave out the keyring's round trip.
type fixedKey struct{ key []byte }

func (f *fixedKey) SlotType() string { return SlotKeyring }
func (f *fixedKey) Lock(k []byte) (Stanza, error) {
	f.key = append([]byte(nil), k...)
	return Stanza{Type: SlotKeyring, Args: map[string]string{"service": "test", "user": "test"}}, nil
}
func (f *fixedKey) Unlock(Stanza) ([]byte, error) { return f.key, nil }

func newVault(t testing.TB, n int) (string, *Vault) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := Create(path, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range testAccounts(n) {
		if err := v.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	return path, v
}

func TestVaultRoundTrip(t *testing.T) {
	path, v := newVault(t, 5)
	want := v.Accounts
	v.Close()
	got, err := Open(path, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	defer got.Close()
	if len(got.Accounts) != len(want) {
		t.Fatalf("%d accounts, want %d", len(got.Accounts), len(want))
	}
	for i := range want {
		if !sameAccount(got.Accounts[i], want[i]) || got.Accounts[i].ID != want[i].ID {
			t.Errorf("account %d changed: %+v", i, got.Accounts[i])
		}
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("vault mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	data, _ := os.ReadFile(path)
	for _, a := range want {
		if bytes.Contains(data, a.Secret) || bytes.Contains(data, []byte(EncodeSecret(a.Secret))) || bytes.Contains(data, []byte(a.Name)) {
			t.Errorf("the vault file holds %s in plain text", a.Label())
		}
	}
}

func TestVaultRefusesDuplicate(t *testing.T) {
	_, v := newVault(t, 2)
	defer v.Close()
	dup := *v.Accounts[0]
	dup.ID = ""
	if err := v.Add(&dup); !errors.Is(err, ErrDuplicate) {
		t.Errorf("Add(duplicate) = %v, want ErrDuplicate", err)
	}
}

func TestVaultOpenErrors(t *testing.T) {
	path, v := newVault(t, 3)
	v.Close()
	good, _ := os.ReadFile(path)
	dir := t.TempDir()
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	newer := bytes.Clone(good)
	newer[len(magic)+1] = FormatVersion + 1
	tests := []struct {
		name string
		path string
		pass string
		want error
	}{
		{"wrong password", path, "wrong horse", ErrWrongPassword},
		{"not a vault", write("photo.jpg", []byte("\xff\xd8\xff\xe0 JFIF not a vault at all")), "correct horse", ErrNotVault},
		{"empty file", write("empty", nil), "correct horse", ErrNotVault},
		{"truncated in magic", write("t1", good[:4]), "correct horse", ErrDamaged},
		{"truncated in header", write("t2", good[:40]), "correct horse", ErrDamaged},
		{"truncated in body", write("t3", good[:len(good)-10]), "correct horse", ErrDamaged},
		{"newer format", write("newer", newer), "correct horse", ErrNewerVersion},
		{"missing", filepath.Join(dir, "nope"), "correct horse", ErrNoVault},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before, _ := os.ReadFile(tt.path)
			_, err := Open(tt.path, pw(tt.pass))
			if !errors.Is(err, tt.want) {
				t.Fatalf("Open = %v, want %v", err, tt.want)
			}
			after, _ := os.ReadFile(tt.path)
			if !bytes.Equal(before, after) {
				t.Error("the file changed")
			}
		})
	}
}

// eachFlippedByte calls check with the error of opening the vault at
// path by u, once for each byte flipped in turn.
func eachFlippedByte(t *testing.T, path string, u Unlocker, check func(i, size int, err error)) {
	t.Helper()
	good, _ := os.ReadFile(path)
	bad := filepath.Join(t.TempDir(), "bad")
	for i := range good {
		data := bytes.Clone(good)
		data[i] ^= 0x20
		os.WriteFile(bad, data, 0o600)
		_, err := Open(bad, u)
		check(i, len(good), err)
	}
}

func TestVaultEveryFlippedByteIsDamage(t *testing.T) {
	path, v := newVault(t, 2)
	v.Close()
	eachFlippedByte(t, path, pw("correct horse"), func(i, size int, err error) {
		switch {
		case i < len(magic):
			if !errors.Is(err, ErrNotVault) && !errors.Is(err, ErrDamaged) {
				t.Fatalf("flip at %d (magic): %v", i, err)
			}
		case !errors.Is(err, ErrDamaged) && !errors.Is(err, ErrNewerVersion):
			t.Fatalf("flip at %d of %d: %v, want ErrDamaged", i, size, err)
		}
	})
}

func TestVaultGenerations(t *testing.T) {
	path, v := newVault(t, 1)
	defer v.Close()
	for i := 0; i < 5; i++ {
		v.Accounts[0].Note = fmt.Sprint("save ", i)
		if err := v.Save(); err != nil {
			t.Fatal(err)
		}
	}
	// Saves: newVault's Create and Save, then 5 more. vault.1 is the one
	// before last. They are kept in the local state folder, not beside the
	// vault (which may be a synced folder).
	gens := generations(v.ID())
	if len(gens) != Generations {
		t.Fatalf("kept %q, want %d generations", gens, Generations)
	}
	for gen, note := range map[int]string{1: "save 3", 2: "save 2", 3: "save 1"} {
		g, err := Read(gens[gen-1], pw("correct horse"))
		if err != nil {
			t.Fatalf("generation %d: %v", gen, err)
		}
		if g.Accounts[0].Note != note {
			t.Errorf("generation %d holds %q, want %q", gen, g.Accounts[0].Note, note)
		}
	}
	if left, _ := filepath.Glob(path + ".*"); len(left) > 0 {
		t.Errorf("files beside the vault: %q", left)
	}
	info, err := Inspect(path)
	if err != nil || info.Err != nil || len(info.Generations) != 3 || info.Slots[0] != SlotPassword {
		t.Errorf("Inspect = %+v, %v", info, err)
	}
	matches, _ := filepath.Glob(path + ".tmp*")
	if len(matches) > 0 {
		t.Errorf("temp files left: %v", matches)
	}
}

// TestVaultLock: the lock is held only while a Save writes. Opening never
// waits; a Save waits for another writer, and gives up with ErrInUse.
func TestVaultLock(t *testing.T) {
	path, v := newVault(t, 1)
	defer v.Close()
	w, err := Open(path, pw("correct horse"))
	if err != nil {
		t.Fatalf("a second Open while the first is open: %v", err)
	}
	defer w.Close()
	dir, err := vaultStateDir(v.ID())
	if err != nil {
		t.Fatal(err)
	}
	held, err := lockFile(filepath.Join(dir, "lock"))
	if err != nil {
		t.Fatal(err)
	}
	old := DefaultLockWait
	DefaultLockWait = 100 * time.Millisecond
	defer func() { DefaultLockWait = old }()
	if err := w.Save(); !errors.Is(err, ErrInUse) {
		t.Fatalf("Save while another writes = %v, want ErrInUse", err)
	}
	if r, err := Read(path, pw("correct horse")); err != nil || r.Save() == nil {
		t.Errorf("Read while locked: %v; a read-only vault must refuse Save", err)
	}
	held.Unlock()
	if err := w.Save(); err != nil {
		t.Fatalf("Save after the other write: %v", err)
	}
}

func TestVaultSlots(t *testing.T) {
	path, v := newVault(t, 1)
	if err := v.AddSlot(SlotPassword, pw("new password")); err != nil {
		t.Fatal(err)
	}
	if err := v.RemoveSlot(SlotPassword); !errors.Is(err, ErrLastSlot) {
		t.Errorf("removing the last slot: %v, want ErrLastSlot", err)
	}
	k := &fixedKey{}
	if err := v.AddSlot(SlotKeyring, k); err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	if _, err := Read(path, pw("correct horse")); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("old password after change: %v", err)
	}
	for _, u := range []Unlocker{pw("new password"), k} {
		if _, err := Read(path, u); err != nil {
			t.Errorf("%s slot: %v", u.SlotType(), err)
		}
	}
	if _, err := Read(path, &fixedKey{key: make([]byte, 32)}); err == nil {
		t.Error("a wrong keyring key opened the vault")
	}
	if _, err := Read(path); !errors.Is(err, ErrNoSlot) {
		t.Errorf("no unlockers: %v, want ErrNoSlot", err)
	}
}

func BenchmarkOpen1000(b *testing.B) {
	path := filepath.Join(b.TempDir(), "vault.twofold")
	k := &fixedKey{}
	v, err := Create(path, k)
	if err != nil {
		b.Fatal(err)
	}
	for _, a := range testAccounts(1000) {
		v.Add(a)
	}
	v.Save()
	v.Close()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Read(path, k); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkArgon2Unlock(b *testing.B) {
	path := filepath.Join(b.TempDir(), "vault.twofold")
	v, err := Create(path, &PasswordSlot{Password: []byte("pw")})
	if err != nil {
		b.Fatal(err)
	}
	v.Close()
	for b.Loop() {
		if _, err := Read(path, &PasswordSlot{Password: []byte("pw")}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeJSON1000 is the baseline for BenchmarkOpen1000: decoding
// the same accounts from plain JSON, no file and no crypto.
func BenchmarkDecodeJSON1000(b *testing.B) {
	plain, _ := json.Marshal(Contents{Accounts: testAccounts(1000)})
	for b.Loop() {
		var out Contents
		if err := json.Unmarshal(plain, &out); err != nil {
			b.Fatal(err)
		}
	}
}

// TestVaultPathResolved: a vault reached through a symbolic link stays
// behind the link after a save, and two paths to one vault take one lock.
func TestVaultPathResolved(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real", "vault.twofold")
	os.MkdirAll(filepath.Dir(real), 0o700)
	link := filepath.Join(dir, "link.twofold")
	if err := os.Symlink(real, link); err != nil { // dangling until the vault exists
		t.Fatal(err)
	}
	p, err := VaultPath(link)
	if err != nil || p != real {
		t.Fatalf("VaultPath(link) = %q, %v; want %q", p, err, real)
	}
	v, err := Create(p, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	if st, err := os.Lstat(link); err != nil || st.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v, %v", st.Mode(), err)
	}
	// Another spelling of the same file: the same lock, so it waits.
	other, _ := VaultPath(filepath.Join(dir, "real", ".", "..", "real", "vault.twofold"))
	if other != real {
		t.Errorf("VaultPath of another spelling = %q", other)
	}
	// Opened through the other spelling too, both writes merge.
	w, err := Open(other, pw("correct horse"))
	if err != nil {
		t.Fatal(err)
	}
	v.Add(testAccounts(1)[0])
	w.Add(testAccounts(2)[1])
	for _, x := range []*Vault{v, w} {
		if err := x.Save(); err != nil {
			t.Fatal(err)
		}
	}
	if len(w.Accounts) != 2 {
		t.Errorf("after both saves: %d accounts, want 2", len(w.Accounts))
	}
	v.Close()
	w.Close()
}
