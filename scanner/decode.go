package scanner

import (
	"errors"
	"image"
	"time"

	"github.com/makiuchi-d/gozxing"
	multiqr "github.com/makiuchi-d/gozxing/multi/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// ErrNoQR: the image holds no QR code that could be read.
var ErrNoQR = errors.New("no QR code found")

// DefaultBudget bounds the time spent on one image once the cheap passes
// have failed.
const DefaultBudget = 3 * time.Second

var hints = map[gozxing.DecodeHintType]any{
	gozxing.DecodeHintType_TRY_HARDER:       true,
	gozxing.DecodeHintType_POSSIBLE_FORMATS: []gozxing.BarcodeFormat{gozxing.BarcodeFormat_QR_CODE},
}

// maxUpscaled bounds the pixels of an enlarged variant (16 MB each): a
// thumbnail is enlarged, a thin strip of any length is not.
const maxUpscaled = 16_000_000

// DecodeImage returns the text of every QR code found in img, in the
// order found, each once. It tries variants of the image, cheapest first,
// until one yields codes or budget (0: DefaultBudget) has passed.
func DecodeImage(img image.Image, budget time.Duration) ([]string, error) {
	if budget <= 0 {
		budget = DefaultBudget
	}
	deadline := time.Now().Add(budget)
	g := toGray(img)
	ps, cheap, seen := passes(g)
	for i, pass := range ps {
		if i == cheap && *seen == 0 && !mayHoldCode(g) {
			break
		}
		if texts := pass(); len(texts) > 0 {
			return harder(g, texts, deadline), nil
		}
		if time.Now().After(deadline) {
			break
		}
	}
	return nil, ErrNoQR
}

// mayHoldCode says whether a finder pattern shows in g at half its
// size, in either polarity (the cheap passes have looked at full size).
// An image without one holds no code any later pass could read, except
// a small blurred one (a thumbnail), which the enlarging passes read and
// which is cheap to try. On 1920×1080 it costs a few milliseconds and
// saves the 40-odd remaining passes.
func mayHoldCode(g *image.Gray) bool {
	b := g.Bounds()
	if min(b.Dx(), b.Dy()) < 500 {
		return true
	}
	half := downscale(g, 2)
	return patternCandidates(half, false) > 0 || patternCandidates(half, true) > 0
}

// harder looks again when the codes read are parts of a transfer that
// is not complete: the image may show the missing parts too, at a size
// the first reader misjudged or among codes that confuse it.
func harder(g *image.Gray, texts []string, deadline time.Time) []string {
	var t Transfers
	for _, s := range texts {
		if f := Interpret(s); f.Batch != nil {
			t.Add(f.Batch)
		}
	}
	// The whole image, then overlapping ninths of it (a code among others
	// is found more surely alone), then the ninths enlarged twice (small
	// modules), until the transfer is complete or the time is up.
	variants := []func() *image.Gray{func() *image.Gray { return g }}
	for _, f := range []int{1, 2} {
		for _, tile := range tiles(g.Bounds(), 3) {
			variants = append(variants, func() *image.Gray {
				part := g.SubImage(tile).(*image.Gray)
				if f == 1 {
					return part
				}
				return upscale(part, f)
			})
		}
	}
	for _, v := range variants {
		if t.Complete() || time.Now().After(deadline) {
			break
		}
		found, _ := decodeSizes(v(), false)
		for _, s := range found {
			if f := Interpret(s); f.Batch != nil {
				t.Add(f.Batch)
			}
			texts = appendNew(texts, s)
		}
	}
	return texts
}

// passes lists the attempts in order of cost and likelihood. Each is a
// closure so nothing is computed before it is needed. The first cheap
// ones look at the image as it is and count in *seen the finder
// patterns they find; the rest are worth running only if some were seen
// or mayHoldCode.
func passes(g *image.Gray) (ps []func() []string, cheap int, seen *int) {
	seen = new(int)
	b := g.Bounds()
	long := max(b.Dx(), b.Dy())
	short := min(b.Dx(), b.Dy())
	add := func(f func() *image.Gray, inverted bool) {
		ps = append(ps, func() []string { return decodeGray(f(), false, false) })
		if inverted {
			ps = append(ps, func() []string { return decodeGray(f(), true, false) })
		}
	}
	// 1. As it is, then inverted (dark mode: light modules on dark).
	add(func() *image.Gray { return g }, true)
	// 1b. A code whose size in modules gozxing misjudges (sizes.go).
	for _, inverted := range []bool{false, true} {
		ps = append(ps, func() []string {
			texts, n := decodeSizes(g, inverted)
			*seen += n
			return texts
		})
	}
	cheap = len(ps)
	// 2. A photo or a big scan: downscaling averages away noise and blur
	//    and brings modules to a size the finder likes.
	half := lazy(func() *image.Gray { return downscale(g, 2) })
	if long > 1200 {
		add(half, true)
		if long > 2400 {
			add(lazy(func() *image.Gray { return downscale(half(), 2) }), true)
		}
	}
	// 3. A thumbnail (modules of 1 to 2 blurred pixels): sharpen the
	//    edges, then upscale so each module spans several pixels.
	//    Only a small image: a thin strip's enlargement would be huge.
	if short < 500 && long*short*5*5 <= maxUpscaled {
		sharp := lazy(func() *image.Gray { return sharpen(g) })
		add(lazy(func() *image.Gray { return upscale(sharp(), 4) }), true)
		add(lazy(func() *image.Gray { return upscale(g, 4) }), false)
		add(lazy(func() *image.Gray { return upscale(sharp(), 3) }), false)
		add(lazy(func() *image.Gray { return upscale(sharp(), 5) }), false)
	}
	// 4. Low contrast (grey paper, glare, dim photos): stretch the levels;
	//    then a global threshold instead of the local one.
	add(lazy(func() *image.Gray { return stretch(g) }), true)
	ps = append(ps,
		func() []string { return decodeGray(g, false, true) },
		func() []string { return decodeGray(g, true, true) },
	)
	// 5. A steep photo: coarser scales, a global threshold, sharpened.
	if long > 1200 {
		ps = append(ps, func() []string { return decodeGray(half(), false, true) })
		add(lazy(func() *image.Gray { return sharpen(half()) }), false)
		add(lazy(func() *image.Gray { return downscale(g, 3) }), false)
		add(lazy(func() *image.Gray { return sharpen(downscale(g, 3)) }), false)
		add(lazy(func() *image.Gray { return sharpen(downscale(g, 6)) }), false)
		// gozxing's detector picks its corner estimate by the finder
		// patterns' order, so under strong perspective a quarter turn
		// sometimes gives it a better guess.
		third := lazy(func() *image.Gray { return downscale(g, 3) })
		r90 := lazy(func() *image.Gray { return rotate90(third()) })
		r180 := lazy(func() *image.Gray { return rotate90(r90()) })
		add(r90, false)
		add(r180, false)
		add(lazy(func() *image.Gray { return rotate90(r180()) }), false)
		add(lazy(func() *image.Gray { return sharpen(r180()) }), false)
		turn := lazy(func() *image.Gray { return downscale(g, 6) })
		for range 3 {
			prev := turn
			turn = lazy(func() *image.Gray { return rotate90(prev()) })
			this := turn
			add(lazy(func() *image.Gray { return sharpen(this()) }), false)
		}
	}
	// 6. A small code in a big busy image: look at overlapping tiles.
	if long > 800 {
		for _, n := range []int{2, 3} {
			for _, tile := range tiles(b, n) {
				add(lazy(func() *image.Gray { return g.SubImage(tile).(*image.Gray) }), true)
			}
		}
	}
	return ps, cheap, seen
}

// lazy computes f once, on first use.
func lazy(f func() *image.Gray) func() *image.Gray {
	var v *image.Gray
	return func() *image.Gray {
		if v == nil {
			v = f()
		}
		return v
	}
}

// tiles covers r with n×n tiles overlapping by half a tile.
func tiles(r image.Rectangle, n int) []image.Rectangle {
	w, h := 2*r.Dx()/(n+1), 2*r.Dy()/(n+1)
	var out []image.Rectangle
	for j := 0; j < n; j++ {
		for i := 0; i < n; i++ {
			x, y := r.Min.X+i*w/2, r.Min.Y+j*h/2
			out = append(out, image.Rect(x, y, x+w, y+h).Intersect(r))
		}
	}
	return out
}

// bitmap binarizes one variant: light-on-dark when inverted, with a
// global threshold instead of the local one when global.
func bitmap(g *image.Gray, inverted, global bool) (*gozxing.BinaryBitmap, error) {
	var src gozxing.LuminanceSource = newGraySource(g)
	if inverted {
		src = gozxing.NewInvertedLuminanceSource(src)
	}
	var bin gozxing.Binarizer
	if global {
		bin = gozxing.NewGlobalHistgramBinarizer(src)
	} else {
		bin = gozxing.NewHybridBinarizer(src)
	}
	return gozxing.NewBinaryBitmap(bin)
}

// patternCandidates counts the places in one variant that pass gozxing's
// finder-pattern checks (its 1:1:3:1:1 runs across, down and diagonally).
func patternCandidates(g *image.Gray, inverted bool) (n int) {
	defer func() {
		if recover() != nil {
			n = 1 // a panic is no proof of absence
		}
	}()
	bm, err := blackMatrix(g, inverted)
	if err != nil {
		return 0
	}
	f := detector.NewFinderPatternFinder(bm, nil)
	f.Find(hints)
	return len(f.GetPossibleCenters())
}

// blackMatrix binarizes one variant with the local threshold.
func blackMatrix(g *image.Gray, inverted bool) (*gozxing.BitMatrix, error) {
	bmp, err := bitmap(g, inverted, false)
	if err != nil {
		return nil, err
	}
	return bmp.GetBlackMatrix()
}

// decodeSizes runs readSizes on one variant, then readRegions around
// the candidates in no code it read. It also says how many finder
// patterns gozxing's checks found.
func decodeSizes(g *image.Gray, inverted bool) ([]string, int) {
	bm, err := blackMatrix(g, inverted)
	if err != nil {
		return nil, 0
	}
	texts, left, strict := readSizes(g, inverted, bm)
	for _, t := range readRegions(g, inverted, left) {
		texts = appendNew(texts, t)
	}
	return texts, strict
}

// decodeGray runs gozxing's QR readers on one variant.
func decodeGray(g *image.Gray, inverted, global bool) (texts []string) {
	// gozxing is a port of Java code and can panic on odd input; a panic
	// in one pass is a pass that found nothing.
	defer func() {
		if recover() != nil {
			texts = nil
		}
	}()
	bmp, err := bitmap(g, inverted, global)
	if err != nil {
		return nil
	}
	if results, err := multiqr.NewQRCodeMultiReader().DecodeMultiple(bmp, hints); err == nil {
		for _, r := range results {
			texts = appendNew(texts, r.GetText())
		}
	}
	if len(texts) == 0 {
		if r, err := qrcode.NewQRCodeReader().Decode(bmp, hints); err == nil {
			texts = appendNew(texts, r.GetText())
		}
	}
	return texts
}

func appendNew(list []string, s string) []string {
	for _, t := range list {
		if t == s {
			return list
		}
	}
	return append(list, s)
}
