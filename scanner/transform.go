package scanner

import (
	"image"
)

// downscale shrinks g by an integer factor, averaging each f×f block.
func downscale(g *image.Gray, f int) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx()/f, b.Dy()/f
	out := image.NewGray(image.Rect(0, 0, w, h))
	n := uint32(f * f)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			var sum uint32
			for dy := 0; dy < f; dy++ {
				row := g.Pix[g.PixOffset(b.Min.X+x*f, b.Min.Y+y*f+dy):]
				for dx := 0; dx < f; dx++ {
					sum += uint32(row[dx])
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum / n)
		}
	}
	return out
}

// upscale enlarges g by an integer factor with bilinear interpolation,
// so a thumbnail's blurry modules get smooth edges, not blocks.
func upscale(g *image.Gray, f int) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx()*f, b.Dy()*f
	out := image.NewGray(image.Rect(0, 0, w, h))
	xlo, xhi, xw := taps(b.Dx(), f)
	ylo, yhi, yw := taps(b.Dy(), f)
	ff := int32(2 * f)
	for y := 0; y < h; y++ {
		top := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+ylo[y]):]
		bot := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+yhi[y]):]
		fy := yw[y]
		row := out.Pix[y*out.Stride : y*out.Stride+w]
		for x := range row {
			lo, hi, fx := xlo[x], xhi[x], xw[x]
			t := int32(top[lo])*(ff-fx) + int32(top[hi])*fx
			u := int32(bot[lo])*(ff-fx) + int32(bot[hi])*fx
			row[x] = uint8((t*(ff-fy) + u*fy) / (ff * ff))
		}
	}
	return out
}

// taps says, for each of n*f output positions, the two source positions
// (clamped to the n there are) it lies between and the weight of the
// second, in 1/(2f) units: sample centres map to (o + 0.5)/f - 0.5.
func taps(n, f int) (lo, hi []int, w []int32) {
	lo, hi, w = make([]int, n*f), make([]int, n*f), make([]int32, n*f)
	ff := int32(f)
	for o := range lo {
		s := int32(2*o+1) - ff
		i := int(floorDiv(s, 2*ff))
		w[o] = s - int32(i)*2*ff
		lo[o], hi[o] = min(max(i, 0), n-1), min(max(i+1, 0), n-1)
	}
	return lo, hi, w
}

func floorDiv(a, b int32) int32 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// stretch maps the 1st..99th percentile of levels onto 0..255: grey
// paper, glare and dim photos get their contrast back.
func stretch(g *image.Gray) *image.Gray {
	var hist [256]int
	b := g.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for _, p := range g.Pix[g.PixOffset(b.Min.X, y) : g.PixOffset(b.Min.X, y)+b.Dx()] {
			hist[p]++
		}
	}
	total := b.Dx() * b.Dy()
	lo, hi := percentile(hist[:], total/100), percentile(hist[:], total-total/100)
	if hi <= lo {
		return g
	}
	var lut [256]uint8
	for i := range lut {
		v := (i - lo) * 255 / (hi - lo)
		lut[i] = uint8(min(max(v, 0), 255))
	}
	out := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		src := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
		dst := out.Pix[y*out.Stride:]
		for x := 0; x < b.Dx(); x++ {
			dst[x] = lut[src[x]]
		}
	}
	return out
}

// percentile returns the level below which n pixels lie.
func percentile(hist []int, n int) int {
	seen := 0
	for i, c := range hist {
		seen += c
		if seen > n {
			return i
		}
	}
	return len(hist) - 1
}

// sharpen is an unsharp mask over each pixel's 3×3 neighbourhood: it
// restores the module edges that a thumbnail's or a photo's blur washed
// out.
func sharpen(g *image.Gray) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	at := func(x, y int) int {
		x = min(max(x, 0), w-1)
		y = min(max(y, 0), h-1)
		return int(g.Pix[g.PixOffset(b.Min.X+x, b.Min.Y+y)])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum := 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					sum += at(x+dx, y+dy)
				}
			}
			c := at(x, y)
			out.Pix[y*out.Stride+x] = uint8(min(max(2*c-sum/9, 0), 255))
		}
	}
	return out
}

// rotate90 turns g a quarter clockwise.
func rotate90(g *image.Gray) *image.Gray {
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, b.Dy(), b.Dx()))
	for y := 0; y < b.Dy(); y++ {
		row := g.Pix[g.PixOffset(b.Min.X, b.Min.Y+y):]
		for x := 0; x < b.Dx(); x++ {
			out.Pix[x*out.Stride+(b.Dy()-1-y)] = row[x]
		}
	}
	return out
}
