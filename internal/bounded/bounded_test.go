package bounded

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small")
	big := filepath.Join(dir, "big")
	os.WriteFile(small, []byte("hello"), 0o600)
	os.WriteFile(big, make([]byte, 2000), 0o600)
	tests := []struct {
		path string
		want error
	}{
		{small, nil},
		{big, ErrTooLarge},
		{"/dev/zero", ErrTooLarge}, // no size, endless
		{dir, nil},                 // a folder: its own sentence
	}
	for _, tt := range tests {
		data, err := ReadFile(tt.path, 1000)
		switch {
		case tt.path == dir:
			if err == nil || !strings.Contains(err.Error(), "folder") {
				t.Errorf("%s: %v", tt.path, err)
			}
		case tt.want == nil && (err != nil || string(data) != "hello"):
			t.Errorf("%s: %q, %v", tt.path, data, err)
		case tt.want != nil && !errors.Is(err, tt.want):
			t.Errorf("%s: %v, want %v", tt.path, err, tt.want)
		}
	}
}

func TestReadAllEndlessPipe(t *testing.T) {
	r, w := io.Pipe()
	go func() {
		buf := make([]byte, 4096)
		for {
			if _, err := w.Write(buf); err != nil {
				return
			}
		}
	}()
	defer r.Close()
	if _, err := ReadStream(r, 1<<20); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("endless pipe: %v", err)
	}
}

func TestSize(t *testing.T) {
	for n, want := range map[int64]string{64 << 10: "64 KiB", 256 << 20: "256 MiB", 1 << 30: "1 GiB", 1000: "1000 bytes"} {
		if got := Size(n); got != want {
			t.Errorf("Size(%d) = %q, want %q", n, got, want)
		}
	}
}
