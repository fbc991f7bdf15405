package testenv

import (
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"twofold/internal/portal"
)

// PortalAnswer is what a fake portal replies to one call: the response
// code (0 success, 1 cancelled) and the results.
type PortalAnswer func(method string, opts map[string]dbus.Variant) (uint32, map[string]dbus.Variant)

// Portal stands in for xdg-desktop-portal on the test's session bus (no
// compositor or portal backend runs here): it owns the portal's name and
// answers Screenshot and FileChooser.OpenFile calls as the real one does,
// through a Response signal a moment later.
func Portal(t testing.TB, answer PortalAnswer) {
	t.Helper()
	conn := OwnConn(t)
	p := &fakePortal{conn: conn, answer: answer}
	for _, iface := range []string{"org.freedesktop.portal.Screenshot", "org.freedesktop.portal.FileChooser"} {
		if err := conn.Export(p, portal.Path, iface); err != nil {
			t.Fatal(err)
		}
	}
	reply, err := conn.RequestName(portal.Name, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("cannot own %s: %v %v", portal.Name, reply, err)
	}
	t.Cleanup(func() { conn.ReleaseName(portal.Name) })
}

// RequestPathOption is the option under which the stand-in portal hands
// its answer function the request's object path.
const RequestPathOption = "twofold-test-request-path"

type fakePortal struct {
	conn   *dbus.Conn
	answer PortalAnswer
}

func (p *fakePortal) reply(sender dbus.Sender, method string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	token, _ := opts["handle_token"].Value().(string)
	path := portal.RequestPath(string(sender), token)
	// Not in the real portal's options: lets a test forge a response.
	opts[RequestPathOption] = dbus.MakeVariant(path)
	code, results := p.answer(method, opts)
	go func() {
		time.Sleep(50 * time.Millisecond) // the user takes a moment
		p.conn.Emit(path, portal.ResponseName, code, results)
	}()
	return path, nil
}

func (p *fakePortal) Screenshot(sender dbus.Sender, parent string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	return p.reply(sender, "Screenshot", opts)
}

func (p *fakePortal) OpenFile(sender dbus.Sender, parent, title string, opts map[string]dbus.Variant) (dbus.ObjectPath, *dbus.Error) {
	return p.reply(sender, "OpenFile", opts)
}
