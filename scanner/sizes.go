package scanner

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	multidetector "github.com/makiuchi-d/gozxing/multi/qrcode/detector"
	"github.com/makiuchi-d/gozxing/qrcode/decoder"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// gozxing's detector estimates a code's size in modules from the
// distance between its finder patterns and the patterns' width, rounds
// it to a valid size (21, 25, … 177: 1 mod 4) and gives up when the
// estimate is 3 mod 4. At 2.25-3.5 px per module (a browser or desktop
// zoom, a downscaled screenshot) the finder patterns' width is off by a
// pixel or so, the estimate lands two modules off, and no rescaling
// pass gets past it. readSizes finds the patterns the same way, then
// samples the grid at each valid size near the estimate, letting the
// decoder's error correction tell the right one.

// sizesTried bounds the sizes sampled per code: the nearest valid size
// and up to two either side (±8 modules).
const sizesTried = 5

// maxPatternSets bounds the finder-pattern triples tried per image.
const maxPatternSets = 16

// readSizes returns the text of each code it can read in bm.
func readSizes(bm *gozxing.BitMatrix) (texts []string) {
	// A port of Java code can panic on odd input: nothing read.
	defer func() {
		if recover() != nil {
			texts = nil
		}
	}()
	finder := multidetector.NewMultiFinderPatternFinder(bm, nil)
	infos, _ := finder.FindMulti(hints)
	// gozxing groups the patterns it found into codes greedily by module
	// size, and with several codes side by side it can pair one code's
	// pattern with another's; triples adds every grouping the geometry
	// allows.
	infos = append(infos, triples(finder.GetPossibleCenters())...)
	if len(infos) == 0 {
		if info, err := detector.NewFinderPatternFinder(bm, nil).Find(hints); err == nil {
			infos = []*detector.FinderPatternInfo{info}
		}
	}
	dec := decoder.NewDecoder()
	used := map[*detector.FinderPattern]bool{}
	tried := 0
	for _, info := range infos {
		tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
		if used[tl] || used[tr] || used[bl] {
			continue
		}
		if tried++; tried > maxPatternSets {
			break
		}
		if text, ok := readNear(bm, dec, info); ok {
			texts = appendNew(texts, text)
			used[tl], used[tr], used[bl] = true, true, true
		}
	}
	// Two patterns left over: the finder may have missed the third
	// (its ratio test fails on some smoothed edges); guess where it is.
	var left []*detector.FinderPattern
	for _, c := range finder.GetPossibleCenters() {
		if !used[c] && len(left) < maxLeftOver {
			left = append(left, c)
		}
	}
	attempts := 0
	for i := range left {
		for j := i + 1; j < len(left); j++ {
			if used[left[i]] || used[left[j]] {
				continue
			}
			for _, info := range thirdCorners(bm, left[i], left[j]) {
				if attempts++; attempts > maxGuesses {
					return texts
				}
				if text, ok := readNear(bm, dec, info); ok {
					texts = appendNew(texts, text)
					used[left[i]], used[left[j]] = true, true
					break
				}
			}
		}
	}
	return texts
}

// maxLeftOver and maxGuesses bound the search for a missed pattern: 12
// candidates make 66 pairs, 6 guesses each, but at most 64 are decoded.
const maxLeftOver, maxGuesses = 12, 64

// readNear tries the sizes near what info's patterns suggest.
func readNear(bm *gozxing.BitMatrix, dec *decoder.Decoder, info *detector.FinderPatternInfo) (string, bool) {
	for _, dim := range sizesNear(info) {
		if text, ok := readAt(bm, dec, info, dim); ok {
			return text, true
		}
	}
	return "", false
}

// thirdCorners lists where a code's third finder pattern would be if p
// and q were two of its corners: beside either end of a side, on either
// side of it, or across the diagonal.
func thirdCorners(bm *gozxing.BitMatrix, p, q *detector.FinderPattern) []*detector.FinderPatternInfo {
	mp, mq := p.GetEstimatedModuleSize(), q.GetEstimatedModuleSize()
	if min(mp, mq) <= 0 || max(mp, mq) > 1.4*min(mp, mq) {
		return nil
	}
	module := (mp + mq) / 2
	vx, vy := q.GetX()-p.GetX(), q.GetY()-p.GetY()
	if d := math.Hypot(vx, vy) / module; d < 14 || d > 240 {
		return nil
	}
	mx, my := (p.GetX()+q.GetX())/2, (p.GetY()+q.GetY())/2
	guesses := [][2]float64{
		{p.GetX() - vy, p.GetY() + vx}, {p.GetX() + vy, p.GetY() - vx}, // p the corner
		{q.GetX() - vy, q.GetY() + vx}, {q.GetX() + vy, q.GetY() - vx}, // q the corner
		{mx - vy/2, my + vx/2}, {mx + vy/2, my - vx/2}, // p, q across
	}
	var out []*detector.FinderPatternInfo
	for _, g := range guesses {
		if g[0] < 0 || g[1] < 0 || g[0] >= float64(bm.GetWidth()) || g[1] >= float64(bm.GetHeight()) {
			continue
		}
		t := detector.NewFinderPattern1(g[0], g[1], module)
		a, b, c := gozxing.ResultPoint_OrderBestPatterns(p, q, t)
		out = append(out, detector.NewFinderPatternInfo(a.(*detector.FinderPattern), b.(*detector.FinderPattern), c.(*detector.FinderPattern)))
	}
	return out
}

// maxCenters bounds the finder-pattern candidates triples combines
// (40 make 9,880 triples, each a few arithmetic operations).
const maxCenters = 40

// triples groups finder-pattern candidates in threes that could be one
// code's corners: a right angle between legs of about equal length,
// each 14-170 modules long, patterns of about equal module size. The
// best-shaped come first.
func triples(centers []*detector.FinderPattern) []*detector.FinderPatternInfo {
	if len(centers) > maxCenters {
		centers = slices.Clone(centers)
		slices.SortFunc(centers, func(a, b *detector.FinderPattern) int { return b.GetCount() - a.GetCount() })
		centers = centers[:maxCenters]
	}
	type scored struct {
		info  *detector.FinderPatternInfo
		score float64
	}
	var out []scored
	for i := range centers {
		for j := i + 1; j < len(centers); j++ {
			for k := j + 1; k < len(centers); k++ {
				a, b, c := gozxing.ResultPoint_OrderBestPatterns(centers[i], centers[j], centers[k])
				bl, tl, tr := a.(*detector.FinderPattern), b.(*detector.FinderPattern), c.(*detector.FinderPattern)
				if score, ok := cornerShape(tl, tr, bl); ok {
					out = append(out, scored{detector.NewFinderPatternInfo(bl, tl, tr), score})
				}
			}
		}
	}
	slices.SortStableFunc(out, func(x, y scored) int { return int(math.Copysign(1, x.score-y.score)) })
	infos := make([]*detector.FinderPatternInfo, len(out))
	for i, s := range out {
		infos[i] = s.info
	}
	return infos
}

// cornerShape says how far tl, tr and bl are from a code's three
// corners (0: a perfect right isosceles triangle), and whether they
// could be one at all.
func cornerShape(tl, tr, bl *detector.FinderPattern) (float64, bool) {
	sizes := []float64{tl.GetEstimatedModuleSize(), tr.GetEstimatedModuleSize(), bl.GetEstimatedModuleSize()}
	small, big := slices.Min(sizes), slices.Max(sizes)
	if small <= 0 || big > 1.4*small {
		return 0, false
	}
	module := (sizes[0] + sizes[1] + sizes[2]) / 3
	top, left := gozxing.ResultPoint_Distance(tl, tr), gozxing.ResultPoint_Distance(tl, bl)
	diag := gozxing.ResultPoint_Distance(tr, bl)
	short, long := min(top, left), max(top, left)
	if short/module < 14 || long/module > 170 || long > 1.3*short {
		return 0, false
	}
	square := math.Hypot(top, left)
	if math.Abs(diag-square) > 0.15*square {
		return 0, false
	}
	return (long-short)/long + math.Abs(diag-square)/square, true
}

// sizesNear lists the valid sizes nearest the one the patterns suggest,
// nearest first.
func sizesNear(info *detector.FinderPatternInfo) []int {
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	module := (tl.GetEstimatedModuleSize() + tr.GetEstimatedModuleSize() + bl.GetEstimatedModuleSize()) / 3
	if module < 1 {
		return nil
	}
	across := (gozxing.ResultPoint_Distance(tl, tr) + gozxing.ResultPoint_Distance(tl, bl)) / 2
	est := across/module + 7
	var dims []int
	for d := 21; d <= 177; d += 4 {
		dims = append(dims, d)
	}
	slices.SortStableFunc(dims, func(a, b int) int {
		return int(math.Copysign(1, math.Abs(float64(a)-est)-math.Abs(float64(b)-est)))
	})
	return dims[:sizesTried]
}

// readAt samples the code as dim×dim modules and decodes it.
func readAt(bm *gozxing.BitMatrix, dec *decoder.Decoder, info *detector.FinderPatternInfo, dim int) (string, bool) {
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	// The module size this size implies, from the centres' distance.
	module := (gozxing.ResultPoint_Distance(tl, tr) + gozxing.ResultPoint_Distance(tl, bl)) / 2 / float64(dim-7)
	version, err := decoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil {
		return "", false
	}
	var align *detector.AlignmentPattern
	if len(version.GetAlignmentPatternCenters()) > 0 {
		align = findAlignment(bm, tl, tr, bl, module, dim)
	}
	bits, err := detector.Detector_sampleGrid(bm, detector.Detector_createTransform(tl, tr, bl, align, dim), dim)
	if err != nil {
		return "", false
	}
	res, err := dec.Decode(bits, hints)
	if err != nil {
		return "", false
	}
	return res.GetText(), true
}

// findAlignment looks for the bottom-right alignment pattern where a
// dim-module code would have it, in growing regions, as gozxing does.
func findAlignment(bm *gozxing.BitMatrix, tl, tr, bl *detector.FinderPattern, module float64, dim int) *detector.AlignmentPattern {
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	toTopLeft := 1 - 3/float64(dim-7)
	x := int(tl.GetX() + toTopLeft*(brX-tl.GetX()))
	y := int(tl.GetY() + toTopLeft*(brY-tl.GetY()))
	for allowance := 4.0; allowance <= 16; allowance *= 2 {
		r := int(allowance * module)
		left, top := max(0, x-r), max(0, y-r)
		right, bottom := min(bm.GetWidth()-1, x+r), min(bm.GetHeight()-1, y+r)
		if float64(right-left) < 3*module || float64(bottom-top) < 3*module {
			return nil
		}
		if p, err := detector.NewAlignmentPatternFinder(bm, left, top, right-left, bottom-top, module, nil).Find(); err == nil {
			return p
		}
	}
	return nil
}
