//go:build unix

package bounded

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

func TestFIFOWithoutEnd(t *testing.T) {
	old := Wait
	Wait = 200 * time.Millisecond
	defer func() { Wait = old }()
	dir := t.TempDir()
	// Nobody ever opens it for writing: the open itself would block.
	silent := filepath.Join(dir, "silent")
	if err := syscall.Mkfifo(silent, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(silent, 1000); !errors.Is(err, ErrTimeout) {
		t.Fatalf("FIFO without a writer: %v", err)
	}
	// A writer that opens, sends a little, and never closes.
	open := filepath.Join(dir, "open")
	if err := syscall.Mkfifo(open, 0o600); err != nil {
		t.Fatal(err)
	}
	go func() {
		f, err := os.OpenFile(open, os.O_WRONLY, 0)
		if err == nil {
			f.Write([]byte("partial"))
			t.Cleanup(func() { f.Close() })
		}
	}()
	if _, err := ReadFile(open, 1000); !errors.Is(err, ErrTimeout) {
		t.Fatalf("FIFO that never ends: %v", err)
	}
	// A FIFO whose writer ends is read.
	ends := filepath.Join(dir, "ends")
	if err := syscall.Mkfifo(ends, 0o600); err != nil {
		t.Fatal(err)
	}
	Wait = time.Minute
	go func() {
		if f, err := os.OpenFile(ends, os.O_WRONLY, 0); err == nil {
			f.Write([]byte("hello"))
			f.Close()
		}
	}()
	if data, err := ReadFile(ends, 1000); err != nil || string(data) != "hello" {
		t.Fatalf("FIFO that ends: %q, %v", data, err)
	}
}
