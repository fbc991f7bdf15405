package portal_test

import (
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"twofold/internal/portal"
	"twofold/internal/testenv"
)

func TestCall(t *testing.T) {
	testenv.SessionBus(t)
	const method = "org.freedesktop.portal.FileChooser.OpenFile"
	// Nobody owns the portal's name on the test's bus yet.
	if _, err := portal.Call(method, time.Second, nil, "", "t"); !errors.Is(err, portal.ErrUnavailable) {
		t.Errorf("without a portal: %v, want ErrUnavailable", err)
	}
	var code atomic.Uint32
	// Another client on the bus answers first, naming its own file: the
	// answer must come from the portal only.
	forger, err := dbus.ConnectSessionBus()
	if err != nil {
		t.Fatal(err)
	}
	defer forger.Close()
	testenv.Portal(t, func(m string, opts map[string]dbus.Variant) (uint32, map[string]dbus.Variant) {
		path, _ := opts[testenv.RequestPathOption].Value().(dbus.ObjectPath)
		forger.Emit(path, portal.ResponseName, uint32(0), map[string]dbus.Variant{"uris": dbus.MakeVariant([]string{"file:///forged"})})
		multiple, _ := opts["multiple"].Value().(bool)
		return code.Load(), map[string]dbus.Variant{"uris": dbus.MakeVariant([]string{m}), "multiple": dbus.MakeVariant(multiple)}
	})
	res, err := portal.Call(method, 5*time.Second, map[string]dbus.Variant{"multiple": dbus.MakeVariant(true)}, "", "t")
	if err != nil {
		t.Fatal(err)
	}
	if uris, _ := res["uris"].Value().([]string); len(uris) != 1 || uris[0] != "OpenFile" || res["multiple"].Value() != true {
		t.Errorf("results %v", res)
	}
	code.Store(1)
	if _, err := portal.Call(method, 5*time.Second, nil, "", "t"); !errors.Is(err, portal.ErrCancelled) {
		t.Errorf("cancelled: %v", err)
	}
}
