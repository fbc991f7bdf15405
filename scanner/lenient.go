package scanner

import (
	"math"
	"slices"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode/detector"
)

// gozxing's finder wants each ring of a finder pattern within half a
// module of its expected width. A code drawn at one pixel per module and
// zoomed to 2.25-2.75 px (a small code on a HiDPI screen) has rings the
// resampling made 1 or 4 px wide once binarized, so no pattern is found
// at all, though the modules' centres still sample right. lenientCenters
// finds the patterns with looser ratios, for readSizes to try.

// maxLenient bounds the centres kept (the most often seen first);
// maxHits the places looked at (a busy photo has many).
const maxLenient, maxHits = 24, 4096

// lenientCenters returns the likely finder-pattern centres in bm: a
// dark-light-dark-light-dark run of about 1:1:3:1:1 across, checked
// down the centre's column, seen on at least two rows.
func lenientCenters(bm *gozxing.BitMatrix) []*detector.FinderPattern {
	w, h := bm.GetWidth(), bm.GetHeight()
	type found struct{ x, y, module float64 }
	var hits []found
	row := gozxing.NewBitArray(w)
	runs := make([]int, 0, 64)
	for y := 0; y < h && len(hits) < maxHits; y++ {
		row = bm.GetRow(y, row)
		runs = runs[:0]
		// Run lengths, starting with a dark run.
		x := row.GetNextSet(0)
		for x < w {
			end := row.GetNextUnset(x)
			runs = append(runs, end-x)
			if end >= w {
				break
			}
			next := row.GetNextSet(end)
			runs = append(runs, next-end)
			x = next
			if n := len(runs); n >= 6 {
				// runs[n-6:n-1] are dark, light, dark, light, dark.
				r := runs[n-6 : n-1]
				if module, ok := looseRatio(r); ok {
					centre := float64(end - r[4] - r[3] - r[2] + r[2]/2)
					if cy, vm, ok := downCheck(bm, int(centre), y, r[2]); ok && math.Abs(vm-module) <= module/2 {
						hits = append(hits, found{centre, cy, (module + vm) / 2})
					}
				}
			}
		}
	}
	// Merge the hits of one pattern (nearby rows, close centres).
	type cluster struct {
		x, y, module float64
		n            int
	}
	var cs []cluster
	for _, f := range hits {
		merged := false
		for i := range cs {
			c := &cs[i]
			if math.Abs(c.x/float64(c.n)-f.x) <= 2*f.module && math.Abs(c.y/float64(c.n)-f.y) <= 2*f.module {
				c.x, c.y, c.module, c.n = c.x+f.x, c.y+f.y, c.module+f.module, c.n+1
				merged = true
				break
			}
		}
		if !merged && len(cs) < 4*maxLenient {
			cs = append(cs, cluster{f.x, f.y, f.module, 1})
		}
	}
	slices.SortStableFunc(cs, func(a, b cluster) int { return b.n - a.n })
	var out []*detector.FinderPattern
	for _, c := range cs {
		if c.n < 2 || len(out) == maxLenient {
			break
		}
		n := float64(c.n)
		out = append(out, detector.NewFinderPattern(c.x/n, c.y/n, c.module/n, c.n))
	}
	return out
}

// looseRatio checks five runs for a finder pattern's 1:1:3:1:1 with
// each ring between half and twice its width, and returns the module
// size.
func looseRatio(r []int) (float64, bool) {
	total := r[0] + r[1] + r[2] + r[3] + r[4]
	if total < 7 {
		return 0, false
	}
	m := float64(total) / 7
	for _, i := range []int{0, 1, 3, 4} {
		if v := float64(r[i]); v < m/2 || v > 2*m {
			return 0, false
		}
	}
	if v := float64(r[2]); v < 2*m || v > 4.5*m {
		return 0, false
	}
	return m, true
}

// downCheck follows column x up and down from a dark pixel at y, finds
// the same five runs vertically, and returns the centre's y and the
// module size they give.
func downCheck(bm *gozxing.BitMatrix, x, y, across int) (float64, float64, bool) {
	return crossCheck(bm, x, y, 0, 1, 3*across)
}

// crossCheck walks from the dark pixel (x, y) both ways along (dx, dy)
// across dark, light and dark runs of at most limit pixels each, checks
// the five runs for a finder pattern's loose ratio, and returns the
// centre's coordinate along the walk and the module size.
func crossCheck(bm *gozxing.BitMatrix, x, y, dx, dy, limit int) (float64, float64, bool) {
	w, h := bm.GetWidth(), bm.GetHeight()
	walk := func(d int) ([3]int, int, bool) {
		var r [3]int
		ax, ay := x, y
		for k, dark := range []bool{true, false, true} {
			for ax >= 0 && ay >= 0 && ax < w && ay < h && bm.Get(ax, ay) == dark && r[k] <= limit {
				r[k]++
				ax, ay = ax+d*dx, ay+d*dy
			}
			if r[k] == 0 || r[k] > limit {
				return r, 0, false
			}
		}
		return r, ax*dx + ay*dy, true
	}
	back, start, ok1 := walk(-1)
	fwd, _, ok2 := walk(1)
	if !ok1 || !ok2 {
		return 0, 0, false
	}
	r := []int{back[2], back[1], back[0] + fwd[0] - 1, fwd[1], fwd[2]}
	m, ok := looseRatio(r)
	if !ok {
		return 0, 0, false
	}
	centreStart := start + 1 + back[2] + back[1]
	return float64(centreStart) + float64(r[2])/2, m, true
}

// looksLikeFinder says whether a finder pattern of about module-sized
// rings could be centred near (x, y): a dark pixel there or one pixel
// off, with the loose ratio across and down.
func looksLikeFinder(bm *gozxing.BitMatrix, x, y, module float64) bool {
	limit := int(3*module) + 2
	for _, d := range [][2]int{{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}} {
		px, py := int(x)+d[0], int(y)+d[1]
		if px < 0 || py < 0 || px >= bm.GetWidth() || py >= bm.GetHeight() || !bm.Get(px, py) {
			continue
		}
		_, m1, ok1 := crossCheck(bm, px, py, 1, 0, limit)
		_, m2, ok2 := crossCheck(bm, px, py, 0, 1, limit)
		if ok1 && ok2 && math.Abs(m1-module) <= module/2 && math.Abs(m2-module) <= module/2 {
			return true
		}
	}
	return false
}
