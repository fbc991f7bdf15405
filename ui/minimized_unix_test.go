//go:build linux || freebsd || openbsd || netbsd

package ui

import (
	"testing"

	"fyne.io/fyne/v2/driver"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"twofold/internal/testenv"
)

// TestIconicWindow checks the minimised test against a real X server: the
// WM_STATE a window manager sets (3 = iconic, 1 = normal).
func TestIconicWindow(t *testing.T) {
	testenv.Display(t)
	c, err := xgb.NewConn()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	win, _ := xproto.NewWindowId(c)
	screen := xproto.Setup(c).DefaultScreen(c)
	xproto.CreateWindow(c, screen.RootDepth, win, screen.Root, 0, 0, 10, 10, 0, xproto.WindowClassInputOutput, screen.RootVisual, 0, nil)
	atom, err := xproto.InternAtom(c, false, 8, "WM_STATE").Reply()
	if err != nil {
		t.Fatal(err)
	}
	set := func(state uint32) {
		buf := make([]byte, 8)
		xgb.Put32(buf, state)
		xproto.ChangePropertyChecked(c, xproto.PropModeReplace, win, atom.Atom, atom.Atom, 32, 2, buf).Check()
	}
	if iconic(c, win, atom.Atom) {
		t.Error("a window without WM_STATE counts as minimised")
	}
	set(3)
	if !iconic(c, win, atom.Atom) {
		t.Error("an iconic window is not seen as minimised")
	}
	set(1)
	if iconic(c, win, atom.Atom) {
		t.Error("a normal window counts as minimised")
	}
	// Through Fyne's native-window context, on its own connection.
	set(3)
	if !nativeMinimized(driver.X11WindowContext{WindowHandle: uintptr(win)}) {
		t.Error("nativeMinimized misses an iconic window")
	}
}
