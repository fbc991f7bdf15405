package scanner

import (
	"image"
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/common"
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

// maxDecodes bounds the grids sampled and decoded per variant (each a
// few tens of microseconds): triples of patterns, then guesses at a
// missed third, each at sizesTried sizes from two samplings.
const maxDecodes = 160

// readSizes returns the text of each code it can read in bm, the
// binarized g (inverted: light modules on dark), the finder-pattern
// candidates left over (in no code read), and how many candidates passed
// gozxing's own (strict) checks.
func readSizes(g *image.Gray, inverted bool, bm *gozxing.BitMatrix) (texts []string, centers []*detector.FinderPattern, strict int) {
	// A port of Java code can panic on odd input: nothing read.
	defer func() {
		if recover() != nil {
			texts = nil
		}
	}()
	finder := multidetector.NewMultiFinderPatternFinder(bm, nil)
	infos, _ := finder.FindMulti(hints)
	if len(infos) == 0 {
		if info, err := detector.NewFinderPatternFinder(bm, nil).Find(hints); err == nil {
			infos = []*detector.FinderPatternInfo{info}
		}
	}
	centers = slices.Clone(finder.GetPossibleCenters())
	strict = len(centers)
	r := &gridReader{g: g, inverted: inverted, bm: bm, dec: decoder.NewDecoder(), left: maxDecodes,
		used: map[*detector.FinderPattern]bool{}, tried: map[[3]*detector.FinderPattern]bool{}}
	// gozxing groups the patterns it found into codes greedily by module
	// size, and with several codes side by side it can pair one code's
	// pattern with another's: after its groups, every grouping the
	// geometry allows, then guesses at a third pattern for two left
	// over; first among the patterns that passed gozxing's checks, then
	// with the loose ones too (which data modules sometimes pass).
	r.readAll(infos)
	r.readAll(triples(centers))
	r.guessThird(centers)
	for _, c := range lenientCenters(bm) {
		if !slices.ContainsFunc(centers, func(d *detector.FinderPattern) bool {
			return d.AboutEquals(c.GetEstimatedModuleSize(), c.GetY(), c.GetX())
		}) {
			centers = append(centers, c)
		}
	}
	if len(centers) > strict {
		r.readAll(triples(centers))
		r.guessThird(centers)
	}
	var unused []*detector.FinderPattern
	for _, c := range centers {
		if !r.used[c] {
			unused = append(unused, c)
		}
	}
	return r.texts, unused, strict
}

// readAll reads each group of patterns none of which is in a code read.
func (r *gridReader) readAll(infos []*detector.FinderPatternInfo) {
	for _, info := range infos {
		tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
		key := [3]*detector.FinderPattern{tl, tr, bl}
		if r.used[tl] || r.used[tr] || r.used[bl] || r.tried[key] || r.left <= 0 {
			continue
		}
		r.tried[key] = true
		if text, ok := r.readNear(info); ok {
			r.texts = appendNew(r.texts, text)
			r.used[tl], r.used[tr], r.used[bl] = true, true, true
		}
	}
}

// guessThird reads codes of which the finder found two patterns: the
// third's ratio test can fail on smoothed edges. Guesses where something
// like a finder pattern shows are tried first, the rest with what is
// left of the budget.
func (r *gridReader) guessThird(centers []*detector.FinderPattern) {
	var left []*detector.FinderPattern
	for _, c := range centers {
		if !r.used[c] && len(left) < maxLeftOver {
			left = append(left, c)
		}
	}
	type guess struct {
		p, q *detector.FinderPattern
		info *detector.FinderPatternInfo
	}
	var likely, others []guess
	for i := range left {
		for j := i + 1; j < len(left); j++ {
			p, q := left[i], left[j]
			for _, c := range thirdCorners(r.bm, p, q) {
				g, third := guess{p, q, c.info}, c.third
				if looksLikeFinder(r.bm, third.GetX(), third.GetY(), third.GetEstimatedModuleSize()) {
					likely = append(likely, g)
				} else {
					others = append(others, g)
				}
			}
		}
	}
	for _, g := range append(likely, others...) {
		if r.left <= 0 {
			return
		}
		if r.used[g.p] || r.used[g.q] {
			continue
		}
		if text, ok := r.readNear(g.info); ok {
			r.texts = appendNew(r.texts, text)
			r.used[g.p], r.used[g.q] = true, true
		}
	}
}

// maxLeftOver bounds the candidates paired in the search for a missed
// pattern (12 make 66 pairs).
const maxLeftOver = 12

// gridReader samples and decodes codes in one variant of an image.
type gridReader struct {
	g        *image.Gray
	inverted bool
	bm       *gozxing.BitMatrix // g binarized
	dec      *decoder.Decoder
	left     int // decodes left (maxDecodes)
	texts    []string
	used     map[*detector.FinderPattern]bool // patterns of codes read
	tried    map[[3]*detector.FinderPattern]bool
}

// readNear tries the sizes near what info's patterns suggest.
func (r *gridReader) readNear(info *detector.FinderPatternInfo) (string, bool) {
	for _, dim := range sizesNear(info) {
		if text, ok := r.readAt(info, dim); ok {
			return text, true
		}
	}
	return "", false
}

// corner is a guessed third pattern and the code's patterns with it.
type corner struct {
	third *detector.FinderPattern
	info  *detector.FinderPatternInfo
}

// thirdCorners lists where a code's third finder pattern would be if p
// and q were two of its corners: beside either end of a side, on either
// side of it, or across the diagonal.
func thirdCorners(bm *gozxing.BitMatrix, p, q *detector.FinderPattern) []corner {
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
	var out []corner
	for _, g := range guesses {
		if g[0] < 0 || g[1] < 0 || g[0] >= float64(bm.GetWidth()) || g[1] >= float64(bm.GetHeight()) {
			continue
		}
		t := detector.NewFinderPattern1(g[0], g[1], module)
		a, b, c := gozxing.ResultPoint_OrderBestPatterns(p, q, t)
		out = append(out, corner{t, detector.NewFinderPatternInfo(a.(*detector.FinderPattern), b.(*detector.FinderPattern), c.(*detector.FinderPattern))})
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

// readAt samples the code as dim×dim modules and decodes it: from the
// binarized image, then from the grey one.
func (r *gridReader) readAt(info *detector.FinderPatternInfo, dim int) (string, bool) {
	bm := r.bm
	tl, tr, bl := info.GetTopLeft(), info.GetTopRight(), info.GetBottomLeft()
	// The module size this size implies, from the centres' distance.
	module := (gozxing.ResultPoint_Distance(tl, tr) + gozxing.ResultPoint_Distance(tl, bl)) / 2 / float64(dim-7)
	version, err := decoder.Version_GetProvisionalVersionForDimension(dim)
	if err != nil {
		return "", false
	}
	var aligns []*detector.AlignmentPattern
	if len(version.GetAlignmentPatternCenters()) > 0 {
		aligns = findAlignments(bm, tl, tr, bl, module, dim)
	}
	// A wrong alignment pattern (another code's, a stray square) skews
	// the grid: without one, the three corners still place it on a flat
	// screenshot.
	aligns = append(aligns, nil)
	for _, a := range aligns {
		if r.left <= 0 {
			return "", false
		}
		r.left -= 2
		transform := detector.Detector_createTransform(tl, tr, bl, a, dim)
		if bits, err := detector.Detector_sampleGrid(bm, transform, dim); err == nil {
			if res, err := r.dec.Decode(bits, hints); err == nil {
				return res.GetText(), true
			}
		}
		if res, err := r.dec.Decode(sampleGrey(r.g, r.inverted, transform, dim), hints); err == nil {
			return res.GetText(), true
		}
	}
	return "", false
}

// sampleGrey reads each module's centre from the grey image, between
// pixels, and calls it dark below the midpoint of the lightest and
// darkest tenth of the code's samples. On a small, smoothed code (one
// zoomed from one pixel per module) the binarized image has lost what
// the grey levels at the modules' centres still tell.
func sampleGrey(g *image.Gray, inverted bool, t *common.PerspectiveTransform, dim int) *gozxing.BitMatrix {
	b := g.Bounds()
	vals := make([]float64, dim*dim)
	xs, ys := make([]float64, dim), make([]float64, dim)
	for y := 0; y < dim; y++ {
		for x := range xs {
			xs[x], ys[x] = float64(x)+0.5, float64(y)+0.5
		}
		t.TransformPointsXY(xs, ys)
		for x := range xs {
			px := min(max(xs[x]-0.5, 0), float64(b.Dx()-2))
			py := min(max(ys[x]-0.5, 0), float64(b.Dy()-2))
			x0, y0 := int(px), int(py)
			fx, fy := px-float64(x0), py-float64(y0)
			at := func(dx, dy int) float64 { return float64(g.Pix[g.PixOffset(b.Min.X+x0+dx, b.Min.Y+y0+dy)]) }
			vals[y*dim+x] = (at(0, 0)*(1-fx)+at(1, 0)*fx)*(1-fy) + (at(0, 1)*(1-fx)+at(1, 1)*fx)*fy
		}
	}
	sorted := slices.Clone(vals)
	slices.Sort(sorted)
	mid := (sorted[len(sorted)/10] + sorted[len(sorted)*9/10]) / 2
	bits, _ := gozxing.NewSquareBitMatrix(dim)
	for i, v := range vals {
		if (v < mid) != inverted {
			bits.Set(i%dim, i/dim)
		}
	}
	return bits
}

// findAlignments looks for the bottom-right alignment pattern where a
// dim-module code would have it: first in growing regions, as gozxing
// does, taking the first found. Under a photo's perspective (the
// patterns' module sizes differ) the pattern can be ten modules from
// where a flat code has it, and the first found in so wide a region is
// often a stray: then overlapping squares of the region are searched on
// their own too, for more candidates.
func findAlignments(bm *gozxing.BitMatrix, tl, tr, bl *detector.FinderPattern, module float64, dim int) []*detector.AlignmentPattern {
	brX := tr.GetX() - tl.GetX() + bl.GetX()
	brY := tr.GetY() - tl.GetY() + bl.GetY()
	toTopLeft := 1 - 3/float64(dim-7)
	x := int(tl.GetX() + toTopLeft*(brX-tl.GetX()))
	y := int(tl.GetY() + toTopLeft*(brY-tl.GetY()))
	search := func(left, top, right, bottom int, module float64) *detector.AlignmentPattern {
		left, top = max(0, left), max(0, top)
		right, bottom = min(bm.GetWidth()-1, right), min(bm.GetHeight()-1, bottom)
		if float64(right-left) < 3*module || float64(bottom-top) < 3*module {
			return nil
		}
		p, err := detector.NewAlignmentPatternFinder(bm, left, top, right-left, bottom-top, module, nil).Find()
		if err != nil {
			return nil
		}
		return p
	}
	var out []*detector.AlignmentPattern
	for allowance := 4.0; allowance <= 16; allowance *= 2 {
		r := int(allowance * module)
		if p := search(x-r, y-r, x+r, y+r, module); p != nil {
			out = append(out, p)
			break
		}
	}
	sizes := []float64{tl.GetEstimatedModuleSize(), tr.GetEstimatedModuleSize(), bl.GetEstimatedModuleSize()}
	if slices.Max(sizes) > 1.15*slices.Min(sizes) {
		near := slices.Max(sizes) // the pattern is on the near side
		step := int(4 * module)
		// Squares of 8 modules, overlapping by half, over ±16 modules.
		for j := -4; j < 3; j++ {
			for i := -4; i < 3; i++ {
				left, top := x+i*step, y+j*step
				if p := search(left, top, left+2*step, top+2*step, near); p != nil && !slices.ContainsFunc(out, func(q *detector.AlignmentPattern) bool { return q.AboutEquals(near, p.GetY(), p.GetX()) }) {
					out = append(out, p)
				}
			}
		}
	}
	return out
}

// Regions: a code of small modules whose patterns were found only
// loosely, or not all, is read from its neighbourhood enlarged twice,
// where the finder places the patterns to a fraction of a module.

// maxRegions bounds the areas enlarged per variant; regionModules is
// how far from a pattern its code can reach, in modules (version 7 is
// 45 modules across); maxRegionSide bounds an area's side before it is
// enlarged (a larger one has modules big enough already, or is several
// codes' worth).
const maxRegions, regionModules, maxRegionSide = 6, 45, 800

// readRegions enlarges the area around each group of candidates and
// reads it.
func readRegions(g *image.Gray, inverted bool, centers []*detector.FinderPattern) []string {
	var texts []string
	for _, area := range regions(g.Bounds(), centers) {
		big := upscale(g.SubImage(area).(*image.Gray), 2)
		got := decodeGray(big, inverted, false)
		if len(got) == 0 {
			if bm, err := blackMatrix(big, inverted); err == nil {
				got, _, _ = readSizes(big, inverted, bm)
			}
		}
		for _, t := range got {
			texts = appendNew(texts, t)
		}
	}
	return texts
}

// regions merges the areas a code could cover around each candidate,
// most-seen candidates first, into at most maxRegions areas of at most
// maxRegionSide a side.
func regions(bounds image.Rectangle, centers []*detector.FinderPattern) []image.Rectangle {
	centers = slices.Clone(centers)
	slices.SortStableFunc(centers, func(a, b *detector.FinderPattern) int { return b.GetCount() - a.GetCount() })
	fits := func(r image.Rectangle) bool { return r.Dx() <= maxRegionSide && r.Dy() <= maxRegionSide && !r.Empty() }
	var out []image.Rectangle
	for _, c := range centers {
		reach := int(regionModules * c.GetEstimatedModuleSize())
		x, y := int(c.GetX()), int(c.GetY())
		area := image.Rect(x-reach, y-reach, x+reach, y+reach).Intersect(bounds)
		if !fits(area) {
			continue
		}
		merged := false
		for i := range out {
			if u := out[i].Union(area); out[i].Overlaps(area) && fits(u) {
				out[i], merged = u, true
				break
			}
		}
		if !merged && len(out) < maxRegions {
			out = append(out, area)
		}
	}
	return out
}
