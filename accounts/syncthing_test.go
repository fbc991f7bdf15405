package accounts

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"twofold/internal/testenv"
)

// A computer in TestSyncthing is this test binary run as a worker
// (TWOFOLD_SYNC_WORKER=vault path) with its own local state folder: it
// keeps the vault open as the app does, reloads it when the file changes
// (accounts.Watch), and takes one command a line on standard input,
// saving after each:
//
//	add NAME totp|hotp   note NAME TEXT   pin NAME   next NAME (prints the counter)
//	delete NAME          dump (prints the accounts as JSON)
//	has NAME (yes or no, without saving)
func syncWorker(path string) {
	v, err := Open(path, pw("sync"))
	if err != nil {
		fmt.Println("error", err)
		os.Exit(3)
	}
	var mu sync.Mutex
	stop := make(chan struct{})
	Watch(path, stop, func() {
		mu.Lock()
		defer mu.Unlock()
		if _, err := v.Reload(); err != nil {
			fmt.Fprintln(os.Stderr, "reload:", err)
		}
	})
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		f := strings.Fields(in.Text())
		mu.Lock()
		reply := syncCommand(v, f)
		mu.Unlock()
		fmt.Println(reply)
	}
}

func syncCommand(v *Vault, f []string) string {
	find := func() *Account {
		for _, a := range v.Accounts {
			if a.Name == f[1] {
				return a
			}
		}
		return nil
	}
	out := "ok"
	switch f[0] {
	case "has":
		if find() != nil {
			return "yes"
		}
		return "no"
	case "dump":
		type row struct {
			Name    string
			Counter uint64
		}
		var rows []row
		for _, a := range v.Accounts {
			rows = append(rows, row{a.Name, a.Counter})
		}
		b, _ := json.Marshal(rows)
		return string(b)
	case "add":
		a := &Account{Issuer: "Sync", Name: f[1], Kind: TOTP, Algorithm: SHA1, Digits: 6, Period: 30, Secret: []byte("secret " + f[1])}
		if f[2] == "hotp" {
			a.Kind, a.Period = HOTP, 0
		}
		if err := v.Add(a); err != nil {
			return "error " + err.Error()
		}
	default:
		a := find()
		if a == nil {
			return "missing"
		}
		switch f[0] {
		case "note":
			a.Note = f[2]
		case "pin":
			a.Pinned = !a.Pinned
		case "next":
			a.Counter++
			out = strconv.FormatUint(a.Counter, 10)
		case "delete":
			v.Remove(a.ID)
		}
	}
	if err := v.Save(); err != nil {
		return "error " + err.Error()
	}
	return out
}

type syncSide struct {
	name  string
	state string
	cmd   *exec.Cmd
	in    io.WriteCloser
	out   *bufio.Scanner
}

func (s *syncSide) do(t *testing.T, cmd string) string {
	t.Helper()
	fmt.Fprintln(s.in, cmd)
	if !s.out.Scan() {
		t.Fatalf("%s: the worker ended at %q", s.name, cmd)
	}
	reply := s.out.Text()
	if strings.HasPrefix(reply, "error") {
		t.Fatalf("%s: %s: %s", s.name, cmd, reply)
	}
	return reply
}

// TestSyncthing: two computers, each with its own Twofold state and its
// copy of a folder that two real Syncthings share, change one vault at
// once, some of the time with the connection paused so that Syncthing
// makes real conflict copies. Once Syncthing has them in sync, both hold
// every account added and not deleted, the highest HOTP counters, and no
// conflict copy is left in the folder.
func TestSyncthing(t *testing.T) {
	if testing.Short() {
		t.Skip("runs two Syncthings")
	}
	root := t.TempDir()
	dirA, dirB := filepath.Join(root, "desk", "Sync"), filepath.Join(root, "laptop", "Sync")
	stA, stB := testenv.SyncthingPair(t, dirA, dirB)

	// The desk makes the vault; Syncthing brings it to the laptop.
	t.Setenv("TWOFOLD_STATE", filepath.Join(root, "desk", "state"))
	v, err := Create(filepath.Join(dirA, "vault.twofold"), pw("sync"))
	if err != nil {
		t.Fatal(err)
	}
	v.Close()
	testenv.WaitInSync(t, stA, stB, 60*time.Second)

	self, _ := os.Executable()
	var sides []*syncSide
	for _, s := range []struct{ name, dir string }{{"desk", dirA}, {"laptop", dirB}} {
		side := &syncSide{name: s.name, state: filepath.Join(root, s.name, "state")}
		side.cmd = exec.Command(self, "-test.run=^$")
		side.cmd.Env = append(os.Environ(), "TWOFOLD_SYNC_WORKER="+filepath.Join(s.dir, "vault.twofold"), "TWOFOLD_STATE="+side.state)
		side.cmd.Stderr = os.Stderr
		side.in, _ = side.cmd.StdinPipe()
		out, _ := side.cmd.StdoutPipe()
		side.out = bufio.NewScanner(out)
		if err := side.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { side.in.Close(); side.cmd.Wait() })
		sides = append(sides, side)
	}

	r := rand.New(rand.NewPCG(2026, 12))
	type acct struct {
		owner     int
		deletable bool // only its owner touches it, and may delete it
		deleted   bool
		counter   uint64
		hotp      bool
	}
	all := map[string]*acct{}
	var names []string
	paused := false
	for step := range 240 {
		// Now and then the connection pauses for a while: both sides
		// write the vault, and Syncthing must resolve a conflict.
		if step%60 == 20 {
			stA.SetPaused(t, stB, true)
			paused = true
		}
		if step%60 == 45 && paused {
			stA.SetPaused(t, stB, false)
			paused = false
		}
		i := r.IntN(2)
		side := sides[i]
		usable := slices.DeleteFunc(slices.Clone(names), func(n string) bool {
			a := all[n]
			return a.deleted || (a.deletable && a.owner != i)
		})
		op := r.IntN(10)
		if op < 3 || len(usable) == 0 {
			name := fmt.Sprintf("%s%d", side.name, step)
			kind := "totp"
			a := &acct{owner: i, deletable: r.IntN(3) == 0}
			if r.IntN(3) == 0 {
				kind, a.hotp = "hotp", true
			}
			if reply := side.do(t, "add "+name+" "+kind); reply != "ok" {
				t.Fatalf("add %s: %s", name, reply)
			}
			all[name] = a
			names = append(names, name)
			continue
		}
		name := usable[r.IntN(len(usable))]
		a := all[name]
		switch {
		case op == 3 && a.deletable:
			side.do(t, "delete "+name)
			a.deleted = true
		case op < 6 && a.hotp:
			// The account may not have reached this side yet.
			if reply := side.do(t, "next "+name); reply != "missing" {
				n, _ := strconv.ParseUint(reply, 10, 64)
				a.counter = max(a.counter, n)
			}
		case op < 8:
			side.do(t, fmt.Sprintf("note %s step%d", name, step))
		default:
			side.do(t, "pin "+name)
		}
	}
	if paused {
		stA.SetPaused(t, stB, false)
	}
	testenv.WaitInSync(t, stA, stB, 120*time.Second)

	want := map[string]uint64{}
	for n, a := range all {
		if !a.deleted {
			want[n] = a.counter
		}
	}
	for _, side := range sides {
		var rows []struct {
			Name    string
			Counter uint64
		}
		if err := json.Unmarshal([]byte(side.do(t, "dump")), &rows); err != nil {
			t.Fatal(err)
		}
		got := map[string]uint64{}
		for _, row := range rows {
			got[row.Name] = row.Counter
		}
		for n, c := range want {
			if g, ok := got[n]; !ok {
				t.Errorf("%s: %s was lost", side.name, n)
			} else if g != c {
				t.Errorf("%s: %s's counter is %d, want %d", side.name, n, g, c)
			}
		}
		for n := range got {
			if _, ok := want[n]; !ok {
				t.Errorf("%s: %s is there, but was deleted", side.name, n)
			}
		}
	}
	conflicts := 0
	for _, side := range sides {
		kept, _ := filepath.Glob(filepath.Join(side.state, "vaults", "*", "conflicts", "*"))
		conflicts += len(kept)
	}
	for _, dir := range []string{dirA, dirB} {
		// (Syncthing's own temp files, .syncthing.*.tmp, are its business.)
		if left, _ := filepath.Glob(filepath.Join(dir, "vault.sync-conflict*")); len(left) > 0 {
			t.Errorf("conflict copies left in %s: %q", dir, left)
		}
	}
	t.Logf("%d accounts added, %d kept; Syncthing made %d conflict copies, all merged", len(all), len(want), conflicts)

	// How long a change takes to reach the other computer's open vault:
	// Syncthing's watcher (1 s here, 10 s by default), its transfer, and
	// Twofold's watch and merge.
	var took []time.Duration
	for i := range 3 {
		name := fmt.Sprint("probe", i)
		start := time.Now()
		sides[0].do(t, "add "+name+" totp")
		if !testenv.Until(60*time.Second, 20*time.Millisecond, func() bool { return sides[1].do(t, "has "+name) == "yes" }) {
			t.Fatalf("%s never reached the laptop", name)
		}
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	t.Logf("a change reached the other computer's open vault in %v (median of %v)", took[1].Round(time.Millisecond), took)
	if conflicts == 0 {
		t.Error("Syncthing made no conflict copy: the pauses did not test conflicts")
	}
}
