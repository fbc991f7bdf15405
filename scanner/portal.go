package scanner

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"net/url"
	"os"
	"time"

	"github.com/godbus/dbus/v5"
)

// The desktop portal's Screenshot call (xdg-desktop-portal), the only way
// to see the screen on Wayland. The portal answers through a Response
// signal on a request object whose path we can predict from our token.
const (
	portalName     = "org.freedesktop.portal.Desktop"
	portalPath     = "/org/freedesktop/portal/desktop"
	portalRequest  = "org.freedesktop.portal.Request"
	portalTimeout  = 2 * time.Minute // the user may be asked first
	portalResponse = portalRequest + ".Response"
)

func portalScreenshot() (image.Image, error) {
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return nil, fmt.Errorf("%w: no D-Bus session for the desktop portal (%v)", ErrNoScreen, err)
	}
	defer conn.Close()
	var tok [8]byte
	rand.Read(tok[:])
	token := "twofold" + hex.EncodeToString(tok[:])
	// Subscribe before calling, so a fast answer is not missed.
	sender := conn.Names()[0]
	sender = stripSender(sender)
	reqPath := dbus.ObjectPath(fmt.Sprintf("/org/freedesktop/portal/desktop/request/%s/%s", sender, token))
	if err := conn.AddMatchSignal(dbus.WithMatchObjectPath(reqPath), dbus.WithMatchInterface(portalRequest), dbus.WithMatchMember("Response")); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoScreen, err)
	}
	signals := make(chan *dbus.Signal, 4)
	conn.Signal(signals)

	opts := map[string]dbus.Variant{
		"handle_token": dbus.MakeVariant(token),
		"interactive":  dbus.MakeVariant(false),
	}
	var handle dbus.ObjectPath
	if err := conn.Object(portalName, portalPath).Call("org.freedesktop.portal.Screenshot.Screenshot", 0, "", opts).Store(&handle); err != nil {
		return nil, fmt.Errorf("%w: the desktop portal refused (%v)", ErrNoScreen, err)
	}
	timeout := time.After(portalTimeout)
	for {
		select {
		case sig := <-signals:
			if sig.Name != portalResponse || (sig.Path != handle && sig.Path != reqPath) || len(sig.Body) < 2 {
				continue
			}
			code, _ := sig.Body[0].(uint32)
			results, _ := sig.Body[1].(map[string]dbus.Variant)
			if code != 0 {
				return nil, fmt.Errorf("%w: the screenshot was cancelled", ErrNoScreen)
			}
			uri, _ := results["uri"].Value().(string)
			return readPortalFile(uri)
		case <-timeout:
			return nil, fmt.Errorf("%w: the desktop portal did not answer", ErrNoScreen)
		}
	}
}

// stripSender turns a unique bus name ":1.42" into the "1_42" the portal
// uses in request paths.
func stripSender(s string) string {
	b := []byte(s)
	if len(b) > 0 && b[0] == ':' {
		b = b[1:]
	}
	return string(bytes.ReplaceAll(b, []byte("."), []byte("_")))
}

// readPortalFile loads the portal's screenshot and deletes it: it is a
// picture of the screen, and may show secrets.
func readPortalFile(uri string) (image.Image, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return nil, fmt.Errorf("%w: the desktop portal gave no file", ErrNoScreen)
	}
	defer os.Remove(u.Path)
	f, err := os.Open(u.Path)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoScreen, err)
	}
	defer f.Close()
	img, err := ReadImage(f)
	if err != nil {
		return nil, errors.Join(ErrNoScreen, err)
	}
	return img, nil
}
