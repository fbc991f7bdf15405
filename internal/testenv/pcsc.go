package testenv

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// VPCD checks that pcscd runs with vsmartcard's vpcd driver and returns
// the address where a virtual card for reader slot (0 or 1) connects,
// and that reader's name. Tests in different packages use different
// slots, since go test runs packages in parallel.
func VPCD(t testing.TB, slot int) (addr, reader string) {
	t.Helper()
	addr, reader, err := VPCDAddr(slot)
	if err != nil {
		missing(t, err.Error())
	}
	return addr, reader
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
