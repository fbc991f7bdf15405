package instance

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

func TestSignal(t *testing.T) {
	sock := SocketPath(filepath.Join(t.TempDir(), "vault.twofold"))
	if Signal(sock) {
		t.Fatal("Signal answered with nobody listening")
	}
	// A socket file left by a crash is replaced.
	os.WriteFile(sock, nil, 0o600)
	var shown atomic.Int32
	stop, err := Listen(sock, func() { shown.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	first, second := Signal(sock), Signal(sock)
	if !first || !second || shown.Load() != 2 {
		t.Fatalf("two signals showed the window %d times", shown.Load())
	}
	if _, err := Listen(sock, func() {}); err == nil {
		t.Error("a second Listen on a live socket succeeded")
	}
	stop()
	if Signal(sock) {
		t.Error("Signal answered after stop")
	}
}
