package testenv

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"
)

// DropURIs plays the source side of an XDND drag (freedesktop's drag and
// drop protocol, version 5), as a file manager or a web browser does: it
// offers uris as text/uri-list and drops them on the middle of the X
// window target, then serves the target's request for the data. It
// returns once the target says it has finished, or within timeout.
func DropURIs(target xproto.Window, uris []string, timeout time.Duration) error {
	x, err := xgb.NewConn()
	if err != nil {
		return fmt.Errorf("connect to the X server: %w", err)
	}
	defer x.Close()
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(x, false, uint16(len(name)), name).Reply()
		if err != nil {
			return 0
		}
		return r.Atom
	}
	var (
		aware, enter, position = atom("XdndAware"), atom("XdndEnter"), atom("XdndPosition")
		status, drop, finished = atom("XdndStatus"), atom("XdndDrop"), atom("XdndFinished")
		selection, copyAction  = atom("XdndSelection"), atom("XdndActionCopy")
		uriList                = atom("text/uri-list")
	)
	if p, err := xproto.GetProperty(x, false, target, aware, xproto.AtomAny, 0, 1).Reply(); err != nil || len(p.Value) < 4 {
		return errors.New("the target window does not take drops (no XdndAware)")
	}
	root := xproto.Setup(x).DefaultScreen(x).Root
	src, err := xproto.NewWindowId(x)
	if err != nil {
		return err
	}
	if err := xproto.CreateWindowChecked(x, 0, src, root, 0, 0, 1, 1, 0, xproto.WindowClassInputOnly, 0, 0, nil).Check(); err != nil {
		return err
	}
	defer xproto.DestroyWindow(x, src)
	if err := xproto.SetSelectionOwnerChecked(x, src, selection, xproto.TimeCurrentTime).Check(); err != nil {
		return err
	}
	geo, err := xproto.GetGeometry(x, xproto.Drawable(target)).Reply()
	if err != nil {
		return err
	}
	at, err := xproto.TranslateCoordinates(x, target, root, int16(geo.Width/2), int16(geo.Height/2)).Reply()
	if err != nil {
		return err
	}
	send := func(typ xproto.Atom, data ...uint32) error {
		var d [5]uint32
		copy(d[:], data)
		ev := xproto.ClientMessageEvent{Format: 32, Window: target, Type: typ, Data: xproto.ClientMessageDataUnionData32New(d[:])}
		return xproto.SendEventChecked(x, false, target, xproto.EventMaskNoEvent, string(ev.Bytes())).Check()
	}
	if err := send(enter, uint32(src), 5<<24, uint32(uriList)); err != nil {
		return err
	}
	if err := send(position, uint32(src), 0, uint32(at.DstX)<<16|uint32(uint16(at.DstY)), 0, uint32(copyAction)); err != nil {
		return err
	}
	// Events until the connection closes (deferred above), or until this
	// function has returned and nobody reads them.
	events, done := make(chan xgb.Event, 16), make(chan struct{})
	defer close(done)
	go func() {
		defer close(events)
		for {
			ev, err := x.WaitForEvent()
			if ev == nil && err == nil {
				return
			}
			if ev == nil {
				continue
			}
			select {
			case events <- ev:
			case <-done:
				return
			}
		}
	}()
	deadline := time.After(timeout)
	dropped := false
	for {
		select {
		case <-deadline:
			return fmt.Errorf("the drop did not finish within %s", timeout)
		case ev, ok := <-events:
			if !ok {
				return errors.New("the X connection closed during the drop")
			}
			switch e := ev.(type) {
			case xproto.ClientMessageEvent:
				switch e.Type {
				case status:
					if e.Data.Data32[1]&1 == 0 {
						return errors.New("the target refused the drop")
					}
					if !dropped {
						dropped = true
						if err := send(drop, uint32(src), 0, 0); err != nil {
							return err
						}
					}
				case finished:
					return nil
				}
			case xproto.SelectionRequestEvent:
				data := strings.Join(uris, "\r\n") + "\r\n"
				prop := e.Property
				if e.Target == uriList {
					xproto.ChangeProperty(x, xproto.PropModeReplace, e.Requestor, prop, uriList, 8, uint32(len(data)), []byte(data))
				} else {
					prop = 0 // a type we did not offer
				}
				n := xproto.SelectionNotifyEvent{Time: e.Time, Requestor: e.Requestor, Selection: e.Selection, Target: e.Target, Property: prop}
				xproto.SendEvent(x, false, e.Requestor, xproto.EventMaskNoEvent, string(n.Bytes()))
			}
		}
	}
}
