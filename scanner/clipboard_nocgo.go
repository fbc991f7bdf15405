//go:build !cgo && !windows

package scanner

import (
	"errors"
	"image"
)

// ErrNoClipboardImage: the clipboard holds no image.
var ErrNoClipboardImage = errors.New("the clipboard holds no image")

// ClipboardImage needs cgo on this system (X11 and macOS clipboards are
// reached through C); this build has none.
func ClipboardImage() (image.Image, error) {
	return nil, errors.New("this build of Twofold cannot read images from the clipboard (built without cgo)")
}
