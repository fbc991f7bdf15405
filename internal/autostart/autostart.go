// Package autostart starts Twofold when the user logs in: an XDG
// autostart entry on Linux and the BSDs, the per-user Run key on
// Windows. On macOS the user adds Twofold to System Settings → General →
// Login Items (an app outside the App Store cannot do it for them
// without a helper bundle).
package autostart

import "errors"

// ErrUnsupported says this OS has no way for Twofold to do it; the
// sentence tells the user what to do instead.
var ErrUnsupported = errors.New("starting at login is set in System Settings → General → Login Items on this system")

// Name is the entry's name (the .desktop file's base name, the Run
// value's name).
const Name = "app.twofold.Twofold"

// Enabled tells whether Twofold starts at login.
func Enabled() (bool, error) { return enabled() }

// Enable makes exe start with args at login; Disable undoes it.
func Enable(exe string, args ...string) error { return enable(exe, args) }

// Disable stops Twofold from starting at login. It is not an error if it
// did not.
func Disable() error { return disable() }
