package ui

import (
	"syscall"

	"fyne.io/fyne/v2/driver"
)

var isIconic = syscall.NewLazyDLL("user32.dll").NewProc("IsIconic")

func nativeMinimized(ctx any) bool {
	w, ok := ctx.(driver.WindowsWindowContext)
	if !ok || w.HWND == 0 {
		return false
	}
	r, _, _ := isIconic.Call(w.HWND)
	return r != 0
}
