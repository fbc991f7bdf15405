package ui

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Avatars and the countdown bar are drawn as images. Under a software
// OpenGL (most Linux desktops in a VM, and the tests' Xvfb) each switch
// between the painter's programs (texture, circle, rectangle) costs
// more than the pixels: rows made only of textures (text, icons and
// these) repaint, once a second, at about half the cost of rows that
// mixed in a circle and a rounded bar.

// avatarPx is the avatar image's side: 2× the largest size shown, for
// HiDPI screens.
const avatarPx = 72

var avatars = struct {
	sync.Mutex
	face  font.Face
	cache map[avatarKey]image.Image
}{cache: map[avatarKey]image.Image{}}

type avatarKey struct {
	initials string
	fill     color.NRGBA
}

// avatarImage is a filled circle with the initials in white, made once
// per (initials, colour).
func avatarImage(initials string, fill color.Color) image.Image {
	k := avatarKey{initials, color.NRGBAModel.Convert(fill).(color.NRGBA)}
	avatars.Lock()
	defer avatars.Unlock()
	if img, ok := avatars.cache[k]; ok {
		return img
	}
	if avatars.face == nil {
		f, err := opentype.Parse(gobold.TTF)
		if err == nil {
			avatars.face, _ = opentype.NewFace(f, &opentype.FaceOptions{Size: 26, DPI: 72, Hinting: font.HintingFull})
		}
	}
	img := image.NewNRGBA(image.Rect(0, 0, avatarPx, avatarPx))
	// The circle, with an anti-aliased edge.
	c := float64(avatarPx) / 2
	for y := range avatarPx {
		for x := range avatarPx {
			d := math.Hypot(float64(x)+0.5-c, float64(y)+0.5-c)
			if a := math.Min(1, math.Max(0, c-d)); a > 0 {
				img.SetNRGBA(x, y, color.NRGBA{k.fill.R, k.fill.G, k.fill.B, uint8(a * float64(k.fill.A))})
			}
		}
	}
	if avatars.face != nil && initials != "" {
		d := &font.Drawer{Dst: img, Src: image.NewUniform(color.White), Face: avatars.face}
		w := d.MeasureString(initials)
		m := avatars.face.Metrics()
		d.Dot = fixed.Point26_6{
			X: fixed.I(avatarPx)/2 - w/2,
			Y: fixed.I(avatarPx)/2 + (m.Ascent-m.Descent)/2,
		}
		d.DrawString(initials)
	}
	if len(avatars.cache) > 512 { // a long list scrolled through: start again
		clear(avatars.cache)
	}
	avatars.cache[k] = img
	return img
}

// solid is a 1×1 image of c, stretched to fill a rectangle.
var solids sync.Map // color.NRGBA → *image.NRGBA

func solid(c color.Color) image.Image {
	k := color.NRGBAModel.Convert(c).(color.NRGBA)
	if img, ok := solids.Load(k); ok {
		return img.(image.Image)
	}
	img := image.NewNRGBA(image.Rect(0, 0, 1, 1))
	draw.Draw(img, img.Bounds(), image.NewUniform(k), image.Point{}, draw.Src)
	solids.Store(k, img)
	return img
}

// newImageObject is a canvas image that stretches its picture.
func newImageObject() *canvas.Image {
	i := canvas.NewImageFromImage(nil)
	i.FillMode = canvas.ImageFillStretch
	i.ScaleMode = canvas.ImageScaleSmooth
	i.SetMinSize(fyne.NewSize(1, 1))
	return i
}
