//go:build linux || freebsd || openbsd || netbsd

package trayhost

import "github.com/godbus/dbus/v5"

// present asks the session bus on a connection of its own: it is asked
// rarely (when the window closes, when Settings open).
func present() bool {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	var has bool
	err = conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, Watcher).Store(&has)
	return err == nil && has
}
