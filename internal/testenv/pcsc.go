package testenv

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/gofrs/flock"
)

// VPCD checks that pcscd runs with vsmartcard's vpcd driver and returns
// the address where a virtual card for reader slot (0 or 1) connects,
// and that reader's name. go test runs packages in parallel, so the
// test holds the slot (a file lock, shared by every package's tests)
// until it ends: the CLI's testscripts use slot 1, the other packages
// slot 0. A test that needs both takes slot 0 first, so two tests never
// wait on each other.
func VPCD(t testing.TB, slot int) (addr, reader string) {
	t.Helper()
	addr, reader, err := VPCDAddr(slot)
	if err != nil {
		missing(t, err.Error())
	}
	hold(t, slot)
	return addr, reader
}

// held counts, per slot, this process's tests holding it: a file lock
// taken twice by one process through two descriptors would block.
var held = struct {
	sync.Mutex
	locks map[int]*flock.Flock
	count map[int]int
}{locks: map[int]*flock.Flock{}, count: map[int]int{}}

func hold(t testing.TB, slot int) {
	held.Lock()
	defer held.Unlock()
	if held.count[slot] == 0 {
		l := slotLock(slot)
		if err := l.Lock(); err != nil {
			t.Fatalf("lock vpcd slot %d: %v", slot, err)
		}
		held.locks[slot] = l
	}
	held.count[slot]++
	t.Cleanup(func() {
		held.Lock()
		defer held.Unlock()
		if held.count[slot]--; held.count[slot] == 0 {
			held.locks[slot].Unlock()
		}
	})
}

// HoldVPCD holds reader slot as VPCD does, for callers without a
// testing.TB (testscript commands), until release is called.
func HoldVPCD(slot int) (release func(), err error) {
	l := slotLock(slot)
	if err := l.Lock(); err != nil {
		return nil, fmt.Errorf("lock vpcd slot %d: %w", slot, err)
	}
	return func() { l.Unlock() }, nil
}

// slotLock is the file lock every package's tests take on a reader slot.
func slotLock(slot int) *flock.Flock {
	return flock.New(filepath.Join(os.TempDir(), fmt.Sprintf("twofold-vpcd-%d.lock", slot)))
}

// VPCDAddr is VPCD for callers without a testing.TB (testscript commands).
func VPCDAddr(slot int) (addr, reader string, err error) {
	if _, err := os.Stat("/run/pcscd/pcscd.comm"); err != nil {
		return "", "", fmt.Errorf("pcscd (/run/pcscd/pcscd.comm)")
	}
	port := 35963 + slot
	if !listening(port) {
		return "", "", fmt.Errorf("vpcd listening on port %d", port)
	}
	return fmt.Sprintf("127.0.0.1:%d", port), fmt.Sprintf("Virtual PCD 00 %02d", slot), nil
}

// listening looks for a listening socket in /proc/net/tcp*: connecting
// to vpcd's port to check would look like a card to it.
func listening(port int) bool {
	want := fmt.Sprintf(":%04X 00000000:0000 0A", port)
	for _, f := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		data, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(data), want) {
			return true
		}
	}
	return false
}
