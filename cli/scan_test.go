package cli

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"twofold/internal/qrcorpus"
)

// TestScanStopped: Ctrl+C during a scan of a folder ends with one line
// saying how far it got, not one error per image left, and add --image
// still adds what it found.
func TestScanStopped(t *testing.T) {
	dir := t.TempDir()
	for i := range 30 {
		uri := fmt.Sprintf("otpauth://totp/Stopped:user%d?secret=MFRGGZDFMZTWQ2LK&issuer=Stopped", i)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("qr%02d.png", i)), qrcorpus.PNG(uri, 4), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := interrupted
	defer func() { interrupted = old }()
	interrupted = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel() // Ctrl+C before the first image
		return ctx, cancel
	}
	t.Setenv("TWOFOLD_STATE", t.TempDir())
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", dir}, "twofold: stopped after 0 of 30 images\n"},
		{[]string{"add", "--image", dir, "--vault", filepath.Join(t.TempDir(), "v.twofold")}, "twofold: stopped after 0 of 30 images; 0 accounts added\n"},
	} {
		var out, errb bytes.Buffer
		code := Run(c.args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb})
		if code != 1 || errb.String() != c.want {
			t.Errorf("%v: status %d, stderr %q; want 1 and %q", c.args, code, errb.String(), c.want)
		}
	}
}
