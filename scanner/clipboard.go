//go:build cgo || windows

package scanner

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"sync"

	"golang.design/x/clipboard"
)

// ErrNoClipboardImage: the clipboard holds no image.
var ErrNoClipboardImage = errors.New("the clipboard holds no image")

var clipboardInit = sync.OnceValue(clipboard.Init)

// ClipboardImage returns the image on the system clipboard. (Fyne's
// clipboard is text only.)
func ClipboardImage() (image.Image, error) {
	if err := clipboardInit(); err != nil {
		return nil, fmt.Errorf("the clipboard cannot be read here: %w", err)
	}
	data := clipboard.Read(clipboard.FmtImage)
	if len(data) == 0 {
		return nil, ErrNoClipboardImage
	}
	img, err := ReadImage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the clipboard's image: %w", err)
	}
	return img, nil
}
