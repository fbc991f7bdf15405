// Package trayhost tells whether the desktop shows tray icons, so that
// closing Twofold's window to the tray never leaves it running with no
// way back. Windows and macOS always have one. On Linux and the BSDs
// Fyne's tray icon is a StatusNotifierItem, shown only where a
// StatusNotifierWatcher runs on the session bus (KDE, XFCE, Cinnamon,
// GNOME with the AppIndicator extension).
package trayhost

// Watcher is the D-Bus name of the freedesktop tray's host.
const Watcher = "org.kde.StatusNotifierWatcher"

// Present tells whether a tray icon would be shown now.
func Present() bool { return present() }
