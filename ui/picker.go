package ui

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver"
	"fyne.io/fyne/v2/storage"
	"github.com/godbus/dbus/v5"

	"twofold/internal/i18n"
	"twofold/internal/portal"
	"twofold/scanner"
)

// addFromFile lets the user pick image files to scan. Fyne's own dialog
// picks one file, so where the desktop portal runs (GNOME, KDE and the
// other Linux desktops) its file chooser is used, which picks several at
// once; elsewhere Fyne's dialog is the fallback.
func (g *gui) addFromFile() {
	parent := portalParent(g.win)
	go func() {
		paths, err := pickImagesWithPortal(parent)
		do(func() {
			switch {
			case err == nil:
				if len(paths) > 0 {
					g.scanWithProgress(paths)
				}
			case errors.Is(err, portal.ErrCancelled):
			default:
				g.pickImageWithFyne()
			}
		})
	}()
}

func (g *gui) pickImageWithFyne() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		g.scanWithProgress([]string{path})
	}, g.win)
	d.SetFilter(storage.NewExtensionFileFilter(scanner.Extensions))
	d.Show()
}

// portalFilter is the portal's a(sa(us)) filter: a name and glob rules.
type portalFilter struct {
	Name  string
	Rules []portalRule
}

type portalRule struct {
	Kind    uint32 // 0 glob, 1 MIME type
	Pattern string
}

// pickImagesWithPortal shows the desktop's file chooser for images,
// several at once, and returns the chosen paths.
func pickImagesWithPortal(parent string) ([]string, error) {
	images := portalFilter{Name: i18n.T("Images")}
	for _, ext := range scanner.Extensions {
		images.Rules = append(images.Rules, portalRule{0, "*" + ext}, portalRule{0, "*" + strings.ToUpper(ext)})
	}
	opts := map[string]dbus.Variant{
		"multiple":     dbus.MakeVariant(true),
		"accept_label": dbus.MakeVariant(i18n.T("Scan")),
		"filters":      dbus.MakeVariant([]portalFilter{images, {Name: i18n.T("All files"), Rules: []portalRule{{0, "*"}}}}),
	}
	res, err := portal.Call("org.freedesktop.portal.FileChooser.OpenFile", 0, opts, parent, i18n.T("Scan images for QR codes"))
	if err != nil {
		return nil, err
	}
	uris, _ := res["uris"].Value().([]string)
	var paths []string
	for _, s := range uris {
		u, err := url.Parse(s)
		if err != nil || u.Scheme != "file" {
			return nil, i18n.Errorf("%w: the file chooser gave %q, not a local file", portal.ErrUnavailable, s)
		}
		paths = append(paths, u.Path)
	}
	return paths, nil
}

// portalParent names our window to the portal ("x11:XID"), so its
// dialog opens over it; "" where that cannot be told.
func portalParent(w fyne.Window) string {
	nw, ok := w.(driver.NativeWindow)
	if !ok {
		return ""
	}
	parent := ""
	nw.RunNative(func(ctx any) {
		if x, ok := ctx.(driver.X11WindowContext); ok && x.WindowHandle != 0 {
			parent = fmt.Sprintf("x11:%x", x.WindowHandle)
		}
	})
	return parent
}
