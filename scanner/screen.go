package scanner

import (
	"errors"
	"fmt"
	"image"
	"io"
	"log"
	"os"

	"github.com/jezek/xgb"
	"github.com/kbinani/screenshot"
)

func init() {
	// The X11 client logs each connection's missing .Xauthority to stderr.
	xgb.Logger = log.New(io.Discard, "", 0)
}

// ErrNoScreen: nothing could capture the screen.
var ErrNoScreen = errors.New("the screen cannot be captured here")

// CaptureScreens returns an image of every display. On Wayland it asks the
// desktop portal (the desktop may ask the user first); on X11, Windows
// and macOS it captures each display directly.
func CaptureScreens() ([]image.Image, error) {
	if os.Getenv("WAYLAND_DISPLAY") != "" || os.Getenv("XDG_SESSION_TYPE") == "wayland" {
		img, err := portalScreenshot()
		if err != nil {
			return nil, err
		}
		return []image.Image{img}, nil
	}
	n := screenshot.NumActiveDisplays()
	if n == 0 {
		return nil, fmt.Errorf("%w: no display found", ErrNoScreen)
	}
	var out []image.Image
	for i := 0; i < n; i++ {
		img, err := screenshot.CaptureDisplay(i)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrNoScreen, err)
		}
		out = append(out, img)
	}
	return out, nil
}

// ScanScreen returns the QR codes on every display.
func ScanScreen() ([]string, error) {
	imgs, err := CaptureScreens()
	if err != nil {
		return nil, err
	}
	var texts []string
	for _, img := range imgs {
		found, err := DecodeImage(img, DefaultBudget)
		if err != nil && !errors.Is(err, ErrNoQR) {
			return nil, err
		}
		for _, t := range found {
			texts = appendNew(texts, t)
		}
	}
	if len(texts) == 0 {
		return nil, fmt.Errorf("%w on the screen", ErrNoQR)
	}
	return texts, nil
}

// ScanClipboard returns the QR codes in the clipboard's image.
func ScanClipboard() ([]string, error) {
	img, err := ClipboardImage()
	if err != nil {
		return nil, err
	}
	texts, err := DecodeImage(img, DefaultBudget)
	if err != nil {
		return nil, fmt.Errorf("%w in the clipboard's image", err)
	}
	return texts, nil
}
