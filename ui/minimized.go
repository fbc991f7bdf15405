package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver"
)

// minimized reports whether the window is iconified, where the platform
// can tell (X11, Windows). Fyne 2.8 has no event for it, so the ticker
// asks once a second and skips the refresh while nobody can see it.
// Must run on Fyne's goroutine (inside fyne.Do).
func minimized(w fyne.Window) bool {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return false
	}
	var min bool
	nw.RunNative(func(ctx any) { min = nativeMinimized(ctx) })
	return min
}
