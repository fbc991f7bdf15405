//go:build pcscdrestart

package hardware_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/internal/testenv"
)

// TestPcscdRestart stops the machine's pcscd and starts it again, so it
// runs alone, in its own stage of scripts/test.sh (built with the
// pcscdrestart tag, as root): an operation under way when pcscd dies
// says so in one sentence, and Watch, idle, drops the key, then finds it again
// once pcscd is back, without being restarted itself.
func TestPcscdRestart(t *testing.T) {
	addr, reader := testenv.VPCD(t, 0)
	testenv.VPCD(t, 1)
	hardware.ServiceRetry = time.Second
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	seen := make(chan []hardware.Key, 64)
	idle := make(chan struct{}, 1)
	hardware.SetWatchIdle(func() {
		select {
		case idle <- struct{}{}:
		default:
		}
	})
	defer hardware.SetWatchIdle(nil)
	go hardware.Watch(ctx, reader, func(k []hardware.Key) { seen <- k })
	waitFor := func(want bool, what string) {
		t.Helper()
		timeout := time.After(30 * time.Second)
		for {
			select {
			case keys := <-seen:
				if slices.ContainsFunc(keys, func(k hardware.Key) bool { return k.Serial == 777 }) == want {
					return
				}
			case <-timeout:
				k, err := hardware.KeysIn(reader)
				t.Fatalf("Watch did not report the key %s (now: %+v, %v)", what, k, err)
			}
		}
	}
	plug, err := cardsim.New(777).Plug(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer plug.Unplug()
	waitFor(true, "plugged in")

	// pcscd dies while the watch waits without a time limit (its idle
	// state once the key has settled): the watch must still notice. Our
	// own session on the key is a change of use, not of keys: the watch
	// stays idle.
	select {
	case <-idle:
	case <-time.After(30 * time.Second):
		t.Fatal("Watch never settled into its idle wait")
	}
	s, err := hardware.Open(reader)
	if err != nil {
		t.Fatal(err)
	}
	stopPcscd(t)
	t.Cleanup(func() { startPcscd(t) }) // whatever happens, pcscd runs again after
	if _, err := s.List(); !errors.Is(err, hardware.ErrServiceLost) && !errors.Is(err, hardware.ErrNoService) {
		t.Errorf("a command after pcscd died: %v, want the service-stopped sentence", err)
	} else if err.Error() != hardware.ErrServiceLost.Error() && err.Error() != hardware.ErrNoService.Error() {
		t.Errorf("a command after pcscd died: %q, want one sentence", err)
	}
	s.Close()
	waitFor(false, "gone with pcscd")
	if _, err := hardware.Keys(); !errors.Is(err, hardware.ErrNoService) {
		t.Errorf("keys without pcscd: %v, want ErrNoService", err)
	}

	startPcscd(t)
	plug.Unplug() // vpcd's old connection died with pcscd: plug in again
	plug, err = cardsim.New(777).Plug(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer plug.Unplug()
	waitFor(true, "again once pcscd was back")
}

// runStates are the process states of a pcscd that runs (a dead one not
// yet reaped by its parent is a zombie, Z).
const runStates = "R,S,D,I"

func pcscdRunning() bool {
	return exec.Command("pgrep", "-r", runStates, "-x", "pcscd").Run() == nil
}

func stopPcscd(t *testing.T) {
	t.Helper()
	out, err := exec.Command("pgrep", "-r", runStates, "-x", "pcscd").Output()
	if err != nil {
		t.Fatalf("pcscd is not running: %v", err)
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		if pid, err := strconv.Atoi(f); err == nil {
			pids = append(pids, pid)
			syscall.Kill(pid, syscall.SIGTERM)
		}
	}
	// Not our child: its end can only be seen, not waited for.
	if !testenv.Until(20*time.Second, 50*time.Millisecond, func() bool { return !pcscdRunning() }) {
		t.Fatalf("pcscd (%v) did not stop", pids)
	}
}

// startPcscd starts pcscd with vpcd, detached (it outlives the test, as
// the one it replaces would have), unless one runs.
func startPcscd(t *testing.T) {
	t.Helper()
	if pcscdRunning() {
		return
	}
	log, err := os.Create(filepath.Join(os.TempDir(), "twofold-pcscd-restart.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer log.Close()
	cmd := exec.Command("pcscd", "--foreground")
	cmd.Stdout, cmd.Stderr = log, log
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start pcscd: %v", err)
	}
	cmd.Process.Release()
	if !testenv.Until(20*time.Second, 50*time.Millisecond, func() bool { _, _, err := testenv.VPCDAddr(0); return err == nil }) {
		t.Fatal("pcscd with vpcd did not come back")
	}
}
