//go:build linux || freebsd || openbsd || netbsd

package trayhost_test

import (
	"testing"

	"twofold/internal/testenv"
	"twofold/internal/trayhost"
)

func TestPresent(t *testing.T) {
	testenv.SessionBus(t)
	testenv.PrivateSessionBus(t)
	if trayhost.Present() {
		t.Fatal("Present() with no tray host on the bus")
	}
	testenv.TrayWatcher(t)
	if !trayhost.Present() {
		t.Fatal("Present() = false while a tray host runs")
	}
}
