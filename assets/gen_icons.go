//go:build ignore

// gen_icons draws Twofold's icon at each size the desktop asks for, from
// its geometry rather than by scaling one picture down: every edge lands
// on a whole pixel, so the 16 and 24 px icons stay crisp.
//
//	go generate ./assets
package main

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"

	"golang.org/x/image/vector"
)

// The icon on a 512-unit grid: a blue rounded square, and two cards,
// the second overlapping the first (two factors, one app).
type shape struct {
	x0, y0, x1, y1, r float64
	fill              color.NRGBA
}

var shapes = []shape{
	{24, 24, 488, 488, 96, color.NRGBA{0x1E, 0x5B, 0xD8, 0xFF}},
	{120, 150, 300, 390, 32, color.NRGBA{0xFF, 0xFF, 0xFF, 0xFF}},
	{212, 122, 392, 362, 32, color.NRGBA{0x9C, 0xC1, 0xFF, 0xFF}},
}

var sizes = []int{16, 24, 32, 48, 64, 128, 256, 512}

func main() {
	for _, px := range sizes {
		img := draw1(px)
		write(filepath.Join("icons", fmt.Sprintf("twofold-%d.png", px)), img)
		if px == 512 {
			write("icon.png", img)
		}
	}
}

func draw1(px int) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, px, px))
	scale := float64(px) / 512
	snap := func(v float64) float32 { return float32(math.Round(v * scale)) }
	for _, s := range shapes {
		x0, y0, x1, y1 := snap(s.x0), snap(s.y0), snap(s.x1), snap(s.y1)
		r := float32(math.Max(1, math.Round(s.r*scale)))
		z := vector.NewRasterizer(px, px)
		roundRect(z, x0, y0, x1, y1, r)
		z.Draw(img, img.Bounds(), image.NewUniform(s.fill), image.Point{})
	}
	return img
}

// roundRect adds a rectangle with quarter-circle corners of radius r.
func roundRect(z *vector.Rasterizer, x0, y0, x1, y1, r float32) {
	const k = 0.5523 // cubic Bézier control distance for a quarter circle
	c := r * (1 - k)
	z.MoveTo(x0+r, y0)
	z.LineTo(x1-r, y0)
	z.CubeTo(x1-c, y0, x1, y0+c, x1, y0+r)
	z.LineTo(x1, y1-r)
	z.CubeTo(x1, y1-c, x1-c, y1, x1-r, y1)
	z.LineTo(x0+r, y1)
	z.CubeTo(x0+c, y1, x0, y1-c, x0, y1-r)
	z.LineTo(x0, y0+r)
	z.CubeTo(x0, y0+c, x0+c, y0, x0+r, y0)
	z.ClosePath()
}

func write(path string, img image.Image) {
	f, err := os.Create(path)
	if err == nil {
		err = png.Encode(f, img)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen_icons:", err)
		os.Exit(1)
	}
}
