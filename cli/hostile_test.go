//go:build unix

package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"twofold/internal/bounded"
	"twofold/internal/hostile"
)

// TestHostileInputs feeds the CLI the inputs of internal/hostile, written
// into testdata of the test's own: each gets exit status 1, one sentence
// on stderr that says what is wrong, and no secret anywhere. The bounds
// are enforced by the code, so the test asserts on the answer, not on
// time or memory (scripts/bench-hostile.sh measures those).
func TestHostileInputs(t *testing.T) {
	dir := t.TempDir()
	file := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	pw := file("password", []byte(hostile.Password+"\n"))
	vault := filepath.Join(dir, "vault.twofold")
	if code := Run([]string{"--vault", vault, "vault", "protect", "--password", "--password-file", pw}, Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}}); code != 0 {
		t.Fatal("cannot make the test vault")
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}

	importArgs := func(path string) []string {
		return []string{"import", "--vault-password-file", pw, "--password-file", pw, path}
	}
	tests := []struct {
		name string
		args []string
		said string // in the one sentence on stderr
	}{
		{"transfer of 2^31-1 codes, as an image", []string{"add", "--password-file", pw, "--image", file("transfer.png", hostile.QRPNG(hostile.TransferURI(2147483647)))},
			"it claims to be one of 2147483647 codes; Google Authenticator's transfers use a handful (Twofold reads up to 100)"},
		{"transfer of 2^31-1 codes, imported", importArgs(filepath.Join(dir, "transfer.png")), "nothing could be imported"},
		{"a slot at t=64, m=1 GiB, p=255", importArgs(file("costly.twofold", hostile.Twofold(hostile.Slot{T: 64, M: 1 << 20, P: 255, KeyLen: 32}))),
			"this file asks for more work than any Twofold or Aegis writes; refusing"},
		{"4,500 slots", importArgs(file("many.twofold", hostile.ManySlots(4500))), "this file asks for more work than any Twofold or Aegis writes; refusing"},
		{"a slot wrapping a 16-byte key", importArgs(file("short.twofold", hostile.Twofold(hostile.Slot{T: 1, M: 8, P: 1, KeyLen: 16}))), "holds a key of the wrong size"},
		{"Aegis scrypt N=2^20, r=32", importArgs(file("aegis.json", hostile.Aegis(1<<20, 32, 1))), "this file asks for more work than any Twofold or Aegis writes; refusing"},
		{"100-megapixel 16-bit PNG", []string{"add", "--password-file", pw, "--image", file("png16.png", hostile.PNG(10000, 10000, 16, 6))}, "would take 762 MiB to decode (the limit is 256 MiB)"},
		{"import /dev/zero", importArgs("/dev/zero"), "/dev/zero: the input is larger than Twofold accepts (over 64 MiB)"},
		{"password file /dev/zero", []string{"--vault", vault, "list", "--password-file", "/dev/zero"}, "read the password file: /dev/zero: the input is larger than Twofold accepts (over 64 KiB)"},
		{"a FIFO nobody writes", importArgs(fifo), "the input did not end in time"},
		{"malformed links, each with a secret", []string{"add", "--password-file", pw, "-"}, "URI 3: otpauth URI: bad scheme: \"otpaut\" is not otpauth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if slices.Contains(tt.args, fifo) {
				// The one case that waits: not for 2 minutes here.
				old := bounded.Wait
				bounded.Wait = 500 * time.Millisecond
				defer func() { bounded.Wait = old }()
			}
			var stdout, stderr bytes.Buffer
			args := append([]string{"--vault", vault}, tt.args...)
			code := Run(args, Env{Stdin: strings.NewReader(strings.Join(hostile.BadOTPAuth, "\n")), Stdout: &stdout, Stderr: &stderr})
			lines := strings.Split(strings.TrimRight(stderr.String(), "\n"), "\n")
			if code != ExitFail || len(lines) != 1 || !strings.HasPrefix(lines[0], "twofold: ") || !strings.Contains(lines[0], tt.said) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 1 and one line saying %q", code, stderr.String(), tt.said)
			}
			for _, out := range []string{stdout.String(), stderr.String()} {
				if strings.Contains(out, hostile.Secret) || strings.Contains(out, hostile.Secret[:16]) {
					t.Errorf("a secret is shown:\n%s", out)
				}
			}
		})
	}
}
