//go:build linux || freebsd || openbsd || netbsd

package ui

import (
	"sync"

	"fyne.io/fyne/v2/driver"
	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// x11 is one connection for the process's minimized checks, opened on
// first use; nil if the display cannot be reached.
var x11 struct {
	once    sync.Once
	conn    *xgb.Conn
	wmState xproto.Atom
}

func nativeMinimized(ctx any) bool {
	x, ok := ctx.(driver.X11WindowContext)
	if !ok || x.WindowHandle == 0 {
		return false
	}
	x11.once.Do(func() {
		c, err := xgb.NewConn()
		if err != nil {
			return
		}
		// Not "only if exists": before a window manager has set WM_STATE
		// on any window the atom may not exist yet, and a connection
		// that gave up then would never see the window minimised.
		a, err := xproto.InternAtom(c, false, uint16(len("WM_STATE")), "WM_STATE").Reply()
		if err != nil || a.Atom == 0 {
			c.Close()
			return
		}
		x11.conn, x11.wmState = c, a.Atom
	})
	if x11.conn == nil {
		return false
	}
	return iconic(x11.conn, xproto.Window(x.WindowHandle), x11.wmState)
}

// iconic reads ICCCM's WM_STATE, which the window manager sets to 3
// (IconicState) while the window is minimised.
func iconic(c *xgb.Conn, w xproto.Window, wmState xproto.Atom) bool {
	r, err := xproto.GetProperty(c, false, w, wmState, xproto.GetPropertyTypeAny, 0, 1).Reply()
	if err != nil || r.Format != 32 || len(r.Value) < 4 {
		return false
	}
	return xgb.Get32(r.Value) == 3
}
