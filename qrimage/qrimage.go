// Package qrimage draws QR codes: for exports, the GUI and the test corpus.
package qrimage

import (
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"
)

// Draw draws payload as a QR code, black on white, each module
// modulePx pixels, with the standard 4-module quiet zone. Error
// correction is M, which phone cameras read easily from a screen.
func Draw(payload string, modulePx int) (*image.Gray, error) {
	if modulePx < 1 {
		modulePx = 1
	}
	m, err := qrcode.NewQRCodeWriter().Encode(payload, gozxing.BarcodeFormat_QR_CODE, 0, 0,
		map[gozxing.EncodeHintType]any{gozxing.EncodeHintType_MARGIN: 0, gozxing.EncodeHintType_ERROR_CORRECTION: "M"})
	if err != nil {
		return nil, fmt.Errorf("make QR code: %w", err)
	}
	n := m.GetWidth()
	size := (n + 8) * modulePx
	g := image.NewGray(image.Rect(0, 0, size, size))
	for i := range g.Pix {
		g.Pix[i] = 0xff
	}
	for y := 0; y < n; y++ {
		for x := 0; x < n; x++ {
			if !m.Get(x, y) {
				continue
			}
			for dy := 0; dy < modulePx; dy++ {
				row := g.Pix[((y+4)*modulePx+dy)*g.Stride:]
				for dx := 0; dx < modulePx; dx++ {
					row[(x+4)*modulePx+dx] = 0
				}
			}
		}
	}
	return g, nil
}

// Write writes payload's QR code as "png" or "jpeg" (at high quality,
// so the modules stay sharp).
func Write(w io.Writer, payload, format string, modulePx int) error {
	img, err := Draw(payload, modulePx)
	if err != nil {
		return err
	}
	switch format {
	case "png":
		return png.Encode(w, img)
	case "jpeg", "jpg":
		return jpeg.Encode(w, img, &jpeg.Options{Quality: 95})
	}
	return fmt.Errorf("unknown image format %q (png or jpeg)", format)
}
