package testenv

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// PrivateSessionBus starts a D-Bus session bus of the test's own and
// points DBUS_SESSION_BUS_ADDRESS at it, for a test that owns or
// watches names other packages' tests own at the same time on the
// shared one.
func PrivateSessionBus(t *testing.T) string {
	t.Helper()
	bin := Tool(t, "dbus-daemon")
	dir := t.TempDir()
	cmd := exec.Command(bin, "--session", "--nofork", "--nopidfile", "--print-address=1",
		"--address=unix:path="+filepath.Join(dir, "bus"))
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	select {
	case addr := <-line:
		if addr == "" {
			t.Fatal("dbus-daemon printed no address")
		}
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
		return addr
	case <-time.After(20 * time.Second):
		t.Fatal("dbus-daemon did not start")
	}
	return ""
}

// Tray stands in for a desktop's tray host (a StatusNotifierWatcher, as
// KDE's or GNOME's AppIndicator extension runs) on the session bus:
// it owns the watcher's name and records the items that register.
type Tray struct {
	conn  *dbus.Conn
	mu    sync.Mutex
	items []string // "bus-name/object-path"
}

// TrayWatcher serves a tray host until the test ends. If another test
// holds the name, it waits its turn.
func TrayWatcher(t testing.TB) *Tray {
	t.Helper()
	conn := OwnConn(t)
	tr := &Tray{conn: conn}
	const iface, path = "org.kde.StatusNotifierWatcher", "/StatusNotifierWatcher"
	if err := conn.Export(tr, path, iface); err != nil {
		t.Fatal(err)
	}
	if err := conn.Export(trayProps{}, path, "org.freedesktop.DBus.Properties"); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.RequestName(iface, 0); err != nil {
		t.Fatal(err)
	}
	owner := func() bool {
		var o string
		return conn.BusObject().Call("org.freedesktop.DBus.GetNameOwner", 0, iface).Store(&o) == nil && o == conn.Names()[0]
	}
	if !Until(60*time.Second, 20*time.Millisecond, owner) {
		t.Fatalf("%s stays owned by another test", iface)
	}
	t.Cleanup(func() { conn.ReleaseName(iface) })
	return tr
}

// RegisterStatusNotifierItem is the call a tray icon makes to appear.
func (tr *Tray) RegisterStatusNotifierItem(sender dbus.Sender, service string) *dbus.Error {
	item := string(sender) + "/StatusNotifierItem"
	if strings.HasPrefix(service, "/") {
		item = string(sender) + service
	} else if service != "" {
		item = service + "/StatusNotifierItem"
	}
	tr.mu.Lock()
	tr.items = append(tr.items, item)
	tr.mu.Unlock()
	return nil
}

// RegisterStatusNotifierHost is part of the watcher's interface.
func (tr *Tray) RegisterStatusNotifierHost(service string) *dbus.Error { return nil }

// Items are the tray icons registered so far, as "bus-name/object-path".
func (tr *Tray) Items() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]string(nil), tr.items...)
}

// TrayMenuItem is one entry of a tray icon's menu as the host sees it.
type TrayMenuItem struct {
	ID      int32
	Label   string
	Enabled bool
}

// Menu reads the top level of a registered item's menu (its
// com.canonical.dbusmenu layout), as the tray host shows it.
func (tr *Tray) Menu(item string) ([]TrayMenuItem, error) {
	menu, err := tr.menuObject(item)
	if err != nil {
		return nil, err
	}
	var revision uint32
	var layout struct {
		ID       int32
		Props    map[string]dbus.Variant
		Children []dbus.Variant
	}
	call := menu.Call("com.canonical.dbusmenu.GetLayout", 0, int32(0), int32(1), []string{})
	if err := call.Store(&revision, &layout); err != nil {
		return nil, err
	}
	var items []TrayMenuItem
	for _, c := range layout.Children {
		fields, ok := c.Value().([]any)
		if !ok || len(fields) < 2 {
			continue
		}
		id, _ := fields[0].(int32)
		props, _ := fields[1].(map[string]dbus.Variant)
		if v, ok := props["visible"]; ok && v.Value() == false {
			continue
		}
		label, ok := props["label"]
		if !ok {
			continue // a separator
		}
		enabled := true
		if v, ok := props["enabled"]; ok {
			enabled, _ = v.Value().(bool)
		}
		items = append(items, TrayMenuItem{ID: id, Label: label.Value().(string), Enabled: enabled})
	}
	return items, nil
}

// Click clicks a menu entry, as the host does when the user picks it.
func (tr *Tray) Click(item string, id int32) error {
	menu, err := tr.menuObject(item)
	if err != nil {
		return err
	}
	return menu.Call("com.canonical.dbusmenu.Event", 0, id, "clicked", dbus.MakeVariant(""), uint32(time.Now().Unix())).Err
}

func (tr *Tray) menuObject(item string) (dbus.BusObject, error) {
	busName, objPath, _ := strings.Cut(item, "/")
	v, err := tr.conn.Object(busName, dbus.ObjectPath("/"+objPath)).GetProperty("org.kde.StatusNotifierItem.Menu")
	if err != nil {
		return nil, err
	}
	menuPath, _ := v.Value().(dbus.ObjectPath)
	return tr.conn.Object(busName, menuPath), nil
}

// trayProps answers the watcher's properties a tray icon reads.
type trayProps struct{}

func (trayProps) Get(iface, prop string) (dbus.Variant, *dbus.Error) {
	switch prop {
	case "IsStatusNotifierHostRegistered":
		return dbus.MakeVariant(true), nil
	case "ProtocolVersion":
		return dbus.MakeVariant(int32(0)), nil
	case "RegisteredStatusNotifierItems":
		return dbus.MakeVariant([]string{}), nil
	}
	return dbus.Variant{}, dbus.MakeFailedError(os.ErrNotExist)
}

func (trayProps) GetAll(iface string) (map[string]dbus.Variant, *dbus.Error) {
	return map[string]dbus.Variant{"IsStatusNotifierHostRegistered": dbus.MakeVariant(true), "ProtocolVersion": dbus.MakeVariant(int32(0))}, nil
}
