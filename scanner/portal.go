package scanner

import (
	"errors"
	"fmt"
	"image"
	"net/url"
	"os"
	"time"

	"github.com/godbus/dbus/v5"

	"twofold/internal/portal"
)

// portalScreenshot asks the desktop portal for a screenshot, the only
// way to see the screen on Wayland.
func portalScreenshot() (image.Image, error) {
	opts := map[string]dbus.Variant{"interactive": dbus.MakeVariant(false)}
	// The desktop may ask the user first, hence the long wait.
	results, err := portal.Call("org.freedesktop.portal.Screenshot.Screenshot", 2*time.Minute, opts, "")
	switch {
	case errors.Is(err, portal.ErrCancelled):
		return nil, fmt.Errorf("%w: the screenshot was cancelled", ErrNoScreen)
	case err != nil:
		return nil, fmt.Errorf("%w: %v", ErrNoScreen, err)
	}
	uri, _ := results["uri"].Value().(string)
	return readPortalFile(uri)
}

// readPortalFile loads the portal's screenshot and deletes it: it is a
// picture of the screen, and may show secrets.
func readPortalFile(uri string) (image.Image, error) {
	u, err := url.Parse(uri)
	if err != nil || u.Scheme != "file" {
		return nil, fmt.Errorf("%w: the desktop portal gave no file", ErrNoScreen)
	}
	// The portal writes a new regular file for us; anything else (a link,
	// a device) is neither read nor deleted.
	if st, err := os.Lstat(u.Path); err != nil || !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: the desktop portal's screenshot is not a file", ErrNoScreen)
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
