package securefile

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "sub", "secret.txt")
	old := filepath.Join(dir, "old.txt")
	os.WriteFile(old, []byte("old"), 0o644)
	for _, path := range []string{p, old} {
		if err := Write(path, []byte("new")); err != nil {
			t.Fatal(err)
		}
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if runtimeHasModes && st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, want 0600", path, st.Mode().Perm())
		}
		if data, _ := os.ReadFile(path); string(data) != "new" {
			t.Errorf("%s holds %q", path, data)
		}
	}
	// A failing step before the rename leaves the old file and no temp.
	boom := errors.New("boom")
	if err := WriteWith(old, []byte("newer"), func() error { return boom }); !errors.Is(err, boom) {
		t.Fatalf("WriteWith: %v", err)
	}
	if data, _ := os.ReadFile(old); string(data) != "new" {
		t.Errorf("after a failed write the file holds %q", data)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
}
