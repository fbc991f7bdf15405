// Package testenv lets tests find the real services and tools they run
// against (a Secret Service, oathtool, a display).
//
// The README's test command installs and starts all of them and sets
// TWOFOLD_TEST_SERVICES=1: then a missing one fails the test. A plain
// `go test ./...` on a machine without them skips those tests instead.
package testenv

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// Required reports whether the test command asked for every service.
func Required() bool { return os.Getenv("TWOFOLD_TEST_SERVICES") == "1" }

func missing(t testing.TB, what string) {
	t.Helper()
	if Required() {
		t.Fatalf("%s is missing, but TWOFOLD_TEST_SERVICES=1 asks for it", what)
	}
	t.Skipf("%s is missing; the README's test command provides it", what)
}

// Tool returns the path of an external program the test needs.
func Tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		missing(t, name)
	}
	return p
}

// SecretService checks that a Secret Service answers on the session bus.
func SecretService(t testing.TB) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		missing(t, "a D-Bus session (DBUS_SESSION_BUS_ADDRESS)")
		return
	}
	conn, err := dbus.SessionBus()
	if err != nil {
		missing(t, "a D-Bus session ("+err.Error()+")")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var owner string
	if err := conn.BusObject().CallWithContext(ctx, "org.freedesktop.DBus.GetNameOwner", 0, "org.freedesktop.secrets").Store(&owner); err != nil {
		missing(t, "a Secret Service on the session bus")
	}
}

// Display checks that an X display is set.
func Display(t testing.TB) string {
	t.Helper()
	d := os.Getenv("DISPLAY")
	if d == "" {
		missing(t, "an X display (DISPLAY)")
	}
	return d
}

// SessionBus checks that a D-Bus session bus answers.
func SessionBus(t testing.TB) {
	t.Helper()
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		missing(t, "a D-Bus session (DBUS_SESSION_BUS_ADDRESS)")
		return
	}
	if _, err := dbus.SessionBus(); err != nil {
		missing(t, "a D-Bus session ("+err.Error()+")")
	}
}

// OwnConn is a connection of the test's own to the session bus, closed
// when the test ends: for a stand-in service that owns a name there.
func OwnConn(t testing.TB) *dbus.Conn {
	t.Helper()
	SessionBus(t)
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// RunIsolated is a TestMain that runs the package's tests with their own
// local state folder (IsolateState).
func RunIsolated(m *testing.M) {
	cleanup := IsolateState()
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// IsolateState points Twofold's local state (TWOFOLD_STATE: vault locks,
// kept generations, this computer's identity) at a new temporary folder
// for the rest of the test binary, unless the caller chose one. Call it
// from TestMain; the returned function removes the folder.
func IsolateState() (cleanup func()) {
	if os.Getenv("TWOFOLD_STATE") != "" {
		return func() {}
	}
	dir, err := os.MkdirTemp("", "twofold-state-")
	if err != nil {
		panic(err)
	}
	os.Setenv("TWOFOLD_STATE", dir)
	return func() { os.RemoveAll(dir) }
}
