// Package instance keeps one Twofold window per vault: the first one
// listens on a local socket, and a second start asks it to come to the
// front instead of opening a second window on the same vault.
package instance

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"time"
)

const request = "show\n"

// SocketPath is where the instance for the vault at vaultPath listens:
// in the user's runtime folder (XDG_RUNTIME_DIR, else the user's temp
// folder), never beside the vault, which may be in a synced folder.
func SocketPath(vaultPath string) string {
	dir := os.Getenv("XDG_RUNTIME_DIR")
	if !filepath.IsAbs(dir) {
		dir = os.TempDir()
	}
	sum := sha256.Sum256([]byte(vaultPath))
	return filepath.Join(dir, "twofold-"+hex.EncodeToString(sum[:8])+".sock")
}

// Signal asks a running instance listening at sock to show its window,
// and reports whether one answered.
func Signal(sock string) bool {
	c, err := net.DialTimeout("unix", sock, time.Second)
	if err != nil {
		return false
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte(request)); err != nil {
		return false
	}
	reply, err := bufio.NewReader(c).ReadString('\n')
	return err == nil && reply == "ok\n"
}

// Listen answers Signal at sock, calling show for each request, until
// the returned close is called. A socket left by a crashed instance is
// replaced.
func Listen(sock string, show func()) (stop func(), err error) {
	l, err := net.Listen("unix", sock)
	if err != nil {
		if Signal(sock) {
			return nil, errors.New("another instance is listening")
		}
		os.Remove(sock) // stale: nobody answers
		if l, err = net.Listen("unix", sock); err != nil {
			return nil, err
		}
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go serve(c, show)
		}
	}()
	return func() { l.Close() }, nil
}

func serve(c net.Conn, show func()) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(2 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != request {
		return
	}
	show()
	c.Write([]byte("ok\n"))
}
