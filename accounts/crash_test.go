package accounts

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"twofold/internal/testenv"
)

// TestMain lets the test binary double as the crash test's writer and
// as a computer of the Syncthing test.
func TestMain(m *testing.M) {
	if path := os.Getenv("TWOFOLD_CRASH_WRITER"); path != "" {
		crashWriter(path, os.Getenv("TWOFOLD_CRASH_SERIES"))
		return
	}
	if path := os.Getenv("TWOFOLD_SYNC_WORKER"); path != "" {
		syncWorker(path)
		return
	}
	cleanup := testenv.IsolateState()
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// crashWriter adds accounts of its series (named series0, series1, ...)
// one after another, saving after each, until it is killed.
func crashWriter(path, series string) {
	v, err := Open(path, pw("crash"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	os.Stdout.WriteString("ready\n")
	for i := len(inSeries(v.Accounts, series)); ; i++ {
		a := &Account{Issuer: "Crash", Name: fmt.Sprint(series, i), Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprint(series, "secret", i))}
		if err := v.Add(a); err != nil {
			os.Exit(4)
		}
		if err := v.Save(); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(5)
		}
	}
}

// TestCrashSafety kills two processes writing the vault at once, at
// random moments: after each kill the vault opens and holds every account
// the last open saw, and each writer's accounts with no gap, though every
// write merged what the other had written.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("kills two writers 120 times")
	}
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := Create(path, pw("crash"))
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	self, _ := os.Executable()
	r := rand.New(rand.NewPCG(7, 7))
	series := []string{"a", "b"}
	seen, grew := map[string]int{}, 0
	const kills = 120
	for k := 0; k < kills; k++ {
		// Two writers at once: each Save merges what the other wrote.
		var cmds []*exec.Cmd
		r.Shuffle(len(series), func(i, j int) { series[i], series[j] = series[j], series[i] })
		for _, s := range series {
			cmd := exec.Command(self, "-test.run=^$")
			cmd.Env = append(os.Environ(), "TWOFOLD_CRASH_WRITER="+path, "TWOFOLD_CRASH_SERIES="+s)
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
			cmds = append(cmds, cmd)
		}
		r.Shuffle(len(cmds), func(i, j int) { cmds[i], cmds[j] = cmds[j], cmds[i] })
		for _, cmd := range cmds {
			time.Sleep(time.Duration(r.IntN(10000)) * time.Microsecond)
			cmd.Process.Signal(syscall.SIGKILL)
			cmd.Wait()
		}

		v, err := Open(path, pw("crash"))
		if err != nil {
			t.Fatalf("after kill %d the vault does not open: %v", k, err)
		}
		more := false
		for _, s := range series {
			mine := inSeries(v.Accounts, s)
			// No gap: a writer's accounts are always a whole prefix of
			// its series, whatever the other wrote in between.
			for i, a := range mine {
				if a.Name != fmt.Sprint(s, i) {
					t.Fatalf("after kill %d the accounts of writer %s are %s", k, s, names(mine))
				}
			}
			if len(mine) < seen[s] {
				t.Fatalf("after kill %d the vault holds %d accounts of writer %s, %d before", k, len(mine), s, seen[s])
			}
			more = more || len(mine) > seen[s]
			seen[s] = len(mine)
		}
		v.Close()
		if more {
			grew++
		}
	}
	t.Logf("%d kills, %d+%d accounts written, the vault grew between %d of them", kills, seen["a"], seen["b"], grew)
	if grew < kills/4 || seen["a"] == 0 || seen["b"] == 0 {
		t.Errorf("the writers saved between only %d of %d kills (%v): the test is not exercising writes", grew, kills, seen)
	}
}

// inSeries is the accounts of a crash writer's series, by number.
func inSeries(accts []*Account, series string) []*Account {
	var out []*Account
	num := map[*Account]int{}
	for _, a := range accts {
		if n, err := strconv.Atoi(strings.TrimPrefix(a.Name, series)); err == nil && strings.HasPrefix(a.Name, series) {
			out = append(out, a)
			num[a] = n
		}
	}
	slices.SortFunc(out, func(x, y *Account) int { return num[x] - num[y] })
	return out
}
