package accounts

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"twofold/internal/testenv"
)

// TestMain lets the test binary double as the crash test's writer.
func TestMain(m *testing.M) {
	if path := os.Getenv("TWOFOLD_CRASH_WRITER"); path != "" {
		crashWriter(path)
		return
	}
	cleanup := testenv.IsolateState()
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// crashWriter adds one account after another, saving after each, until
// it is killed.
func crashWriter(path string) {
	v, err := Open(path, pw("crash"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Stdout.WriteString("ready\n")
	for i := len(v.Accounts); ; i++ {
		a := &Account{Issuer: "Crash", Name: fmt.Sprint("n", i), Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprint("secret", i))}
		if err := v.Add(a); err != nil {
			os.Exit(4)
		}
		if err := v.Save(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(5)
		}
	}
}

// TestCrashSafety kills a writing process at random moments: after each
// kill the vault opens and holds every account the last open saw.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a writer 250 times")
	}
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := Create(path, pw("crash"))
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	self, _ := os.Executable()
	r := rand.New(rand.NewPCG(7, 7))
	seen, grew := 0, 0
	const kills = 250
	for k := 0; k < kills; k++ {
		cmd := exec.Command(self, "-test.run=^$")
		cmd.Env = append(os.Environ(), "TWOFOLD_CRASH_WRITER="+path)
		out, _ := cmd.StdoutPipe()
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		if _, err := out.Read(buf); err != nil {
			cmd.Wait()
			t.Fatalf("kill %d: the writer did not start: %v", k, err)
		}
		time.Sleep(time.Duration(r.IntN(20000)) * time.Microsecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()

		v, err := Open(path, pw("crash"))
		if err != nil {
			t.Fatalf("after kill %d the vault does not open: %v", k, err)
		}
		n := len(v.Accounts)
		for i, a := range v.Accounts {
			if a.Name != fmt.Sprint("n", i) {
				t.Fatalf("after kill %d account %d is %q", k, i, a.Name)
			}
		}
		v.Close()
		if n < seen {
			t.Fatalf("after kill %d the vault holds %d accounts, %d before", k, n, seen)
		}
		if n > seen {
			grew++
		}
		seen = n
	}
	t.Logf("%d kills, %d accounts written, the vault grew between %d of them", kills, seen, grew)
	if grew < kills/4 {
		t.Errorf("the writer saved between only %d of %d kills: the test is not exercising writes", grew, kills)
	}
}
