// Package portal calls the freedesktop desktop portal
// (xdg-desktop-portal): the way to take a screenshot on Wayland and to
// show the desktop's own file chooser. A portal method answers later,
// through a Response signal on a request object whose path follows from
// a token we choose, so we subscribe to it before calling.
package portal

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/godbus/dbus/v5"
)

const (
	Name          = "org.freedesktop.portal.Desktop"
	Path          = "/org/freedesktop/portal/desktop"
	requestIface  = "org.freedesktop.portal.Request"
	ResponseName  = requestIface + ".Response"
	requestPrefix = "/org/freedesktop/portal/desktop/request/"
)

var (
	// ErrUnavailable: no session bus, or no portal that offers the method.
	ErrUnavailable = errors.New("the desktop portal is not available")
	// ErrCancelled: the user closed the portal's dialog.
	ErrCancelled = errors.New("cancelled")
	// ErrTimeout: the portal did not answer in time.
	ErrTimeout = errors.New("the desktop portal did not answer")
)

// Call invokes method (for example "org.freedesktop.portal.Screenshot.Screenshot")
// with args followed by opts, and waits up to timeout (0: no limit) for
// the answer's results.
func Call(method string, timeout time.Duration, opts map[string]dbus.Variant, args ...any) (map[string]dbus.Variant, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("%w: no D-Bus session (%v)", ErrUnavailable, err)
	}
	defer conn.Close()

	// Only the portal may answer: any client on the bus can emit a
	// Response signal on our request's path (naming a file for us to read
	// and delete), so answers are taken from the portal's unique name only.
	var owner string
	if err := conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, Name).Store(&owner); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	var tok [8]byte
	rand.Read(tok[:])
	token := "twofold" + hex.EncodeToString(tok[:])
	reqPath := RequestPath(conn.Names()[0], token)
	if err := conn.AddMatchSignal(dbus.WithMatchSender(owner), dbus.WithMatchObjectPath(reqPath), dbus.WithMatchInterface(requestIface), dbus.WithMatchMember("Response")); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	signals := make(chan *dbus.Signal, 4)
	conn.Signal(signals)

	if opts == nil {
		opts = map[string]dbus.Variant{}
	}
	opts["handle_token"] = dbus.MakeVariant(token)
	var handle dbus.ObjectPath
	if err := conn.Object(Name, Path).Call(method, 0, append(args, opts)...).Store(&handle); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	var expired <-chan time.Time
	if timeout > 0 {
		expired = time.After(timeout)
	}
	for {
		select {
		case sig := <-signals:
			if sig.Sender != owner || sig.Name != ResponseName || (sig.Path != handle && sig.Path != reqPath) || len(sig.Body) < 2 {
				continue
			}
			code, _ := sig.Body[0].(uint32)
			results, _ := sig.Body[1].(map[string]dbus.Variant)
			if code != 0 {
				return nil, ErrCancelled
			}
			return results, nil
		case <-expired:
			return nil, ErrTimeout
		}
	}
}

// RequestPath is where the portal answers a caller with the unique bus
// name sender (":1.42") that chose token.
func RequestPath(sender, token string) dbus.ObjectPath {
	s := strings.ReplaceAll(strings.TrimPrefix(sender, ":"), ".", "_")
	return dbus.ObjectPath(requestPrefix + s + "/" + token)
}
