package scanner

import (
	"image"
	"image/draw"

	"github.com/makiuchi-d/gozxing"
)

// toGray converts an image to 8-bit luminance, with fast paths for the
// types decoders return (JPEG gives YCbCr: its Y plane is the answer).
// Transparent pixels count as white, as on a page.
func toGray(img image.Image) *image.Gray {
	b := img.Bounds()
	switch m := img.(type) {
	case *image.Gray:
		return m
	case *image.YCbCr:
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], m.Y[m.YOffset(b.Min.X, b.Min.Y+y):])
		}
		return g
	case *image.NRGBA:
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[(y)*m.Stride:]
			out := g.Pix[y*g.Stride:]
			for x := 0; x < b.Dx(); x++ {
				p := row[x*4 : x*4+4]
				l := (299*uint32(p[0]) + 587*uint32(p[1]) + 114*uint32(p[2])) / 1000
				a := uint32(p[3])
				out[x] = uint8((l*a + 255*(255-a)) / 255)
			}
		}
		return g
	case *image.RGBA:
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			row := m.Pix[(y)*m.Stride:]
			out := g.Pix[y*g.Stride:]
			for x := 0; x < b.Dx(); x++ {
				p := row[x*4 : x*4+4]
				// Premultiplied: composite over white.
				l := (299*uint32(p[0]) + 587*uint32(p[1]) + 114*uint32(p[2])) / 1000
				out[x] = uint8(min(255, l+255-uint32(p[3])))
			}
		}
		return g
	}
	// Anything else (paletted, CMYK, 16-bit): let the standard library
	// composite it over white, a strip of rows at a time, so the copy
	// costs a strip, not a second whole image.
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	const stripRows = 256
	strip := image.NewRGBA(image.Rect(0, 0, b.Dx(), min(stripRows, b.Dy())))
	for y0 := 0; y0 < b.Dy(); y0 += stripRows {
		rows := min(stripRows, b.Dy()-y0)
		r := image.Rect(0, 0, b.Dx(), rows)
		draw.Draw(strip, r, image.White, image.Point{}, draw.Src)
		draw.Draw(strip, r, img, image.Pt(b.Min.X, b.Min.Y+y0), draw.Over)
		part := toGray(strip.SubImage(r))
		for y := 0; y < rows; y++ {
			copy(g.Pix[(y0+y)*g.Stride:(y0+y)*g.Stride+b.Dx()], part.Pix[y*part.Stride:])
		}
	}
	return g
}

// graySource is a gozxing.LuminanceSource over an *image.Gray, without
// gozxing's per-pixel image.At conversion.
type graySource struct {
	gozxing.LuminanceSourceBase
	g *image.Gray
}

func newGraySource(g *image.Gray) gozxing.LuminanceSource {
	b := g.Bounds()
	return &graySource{gozxing.LuminanceSourceBase{Width: b.Dx(), Height: b.Dy()}, g}
}

func (s *graySource) GetRow(y int, row []byte) ([]byte, error) {
	if y < 0 || y >= s.Height {
		return nil, gozxing.NewFormatException("row %d is outside the image", y)
	}
	if len(row) < s.Width {
		row = make([]byte, s.Width)
	}
	b := s.g.Bounds()
	copy(row, s.g.Pix[s.g.PixOffset(b.Min.X, b.Min.Y+y):])
	return row[:s.Width], nil
}

func (s *graySource) GetMatrix() []byte {
	b := s.g.Bounds()
	if s.g.Stride == s.Width && b.Min == (image.Point{}) {
		return s.g.Pix[:s.Width*s.Height]
	}
	m := make([]byte, s.Width*s.Height)
	for y := 0; y < s.Height; y++ {
		copy(m[y*s.Width:(y+1)*s.Width], s.g.Pix[s.g.PixOffset(b.Min.X, b.Min.Y+y):])
	}
	return m
}

func (s *graySource) IsCropSupported() bool { return true }

func (s *graySource) Crop(left, top, width, height int) (gozxing.LuminanceSource, error) {
	b := s.g.Bounds()
	return newGraySource(s.g.SubImage(image.Rect(b.Min.X+left, b.Min.Y+top, b.Min.X+left+width, b.Min.Y+top+height)).(*image.Gray)), nil
}

func (s *graySource) Invert() gozxing.LuminanceSource { return gozxing.NewInvertedLuminanceSource(s) }

func (s *graySource) String() string { return gozxing.LuminanceSourceString(s) }
