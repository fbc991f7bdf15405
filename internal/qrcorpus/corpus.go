// Package qrcorpus makes a deterministic corpus of test images holding
// known QR payloads, in the categories real users bring: screenshots
// with small codes, dark mode, JPEG noise, phone photos of screens or
// paper, thumbnails, grey scans, several codes in one image, and images
// with no code at all. The scanner's tests assert decode rates on it and
// bench/scanbench compares Twofold with other decoders on it.
package qrcorpus

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"

	"github.com/makiuchi-d/gozxing/common"

	"twofold/accounts"
	"twofold/qrimage"
)

// Categories, in the order Generate makes them.
var Categories = []string{"screenshot-1080p", "screenshot-4k", "dark-mode", "jpeg", "photo", "thumbnail", "grey-scan", "multi",
	"browser-zoom", "dark-zoom", "transfer-zoom", "thin", "negative"}

// Image is one generated test image.
type Image struct {
	Name     string   // file name, e.g. "photo-03.jpg"
	Category string   // one of Categories
	Data     []byte   // encoded PNG or JPEG
	Payloads []string // what it holds (nil for "negative")
}

// Generate makes n images per category from seed; the same seed gives
// the same bytes.
func Generate(seed uint64, n int) []Image {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var out []Image
	for _, cat := range Categories {
		for i := 0; i < n; i++ {
			out = append(out, make1(r, cat, i))
		}
	}
	return out
}

func make1(r *rand.Rand, cat string, i int) Image {
	im := Image{Category: cat}
	payload := Payload(r)
	var img image.Image
	jpegQ := 0
	switch cat {
	case "screenshot-1080p", "screenshot-4k":
		w, h := 1920, 1080
		if cat == "screenshot-4k" {
			w, h = 3840, 2160
		}
		page := newPage(r, w, h, false)
		drawQR(page, r, payload, 2+r.IntN(3), false)
		img = page
	case "dark-mode":
		page := newPage(r, 1920, 1080, true)
		drawQR(page, r, payload, 3+r.IntN(3), true)
		img = page
	case "jpeg":
		page := newPage(r, 1920, 1080, r.IntN(4) == 0)
		drawQR(page, r, payload, 3+r.IntN(3), page.dark)
		img = page
		jpegQ = 30 + r.IntN(41)
	case "photo":
		img = photo(r, payload)
		jpegQ = 70 + r.IntN(21)
	case "thumbnail":
		img = thumbnail(r, payload)
	case "grey-scan":
		img = greyScan(r, payload)
		jpegQ = 75 + r.IntN(20)
	case "multi":
		page := newPage(r, 1920, 1080, false)
		parts := transferParts(r, 2+r.IntN(3))
		drawQRs(page, r, parts, 3+r.IntN(2))
		im.Payloads = parts
		img = page
	case "browser-zoom":
		// A 2FA page's small code seen at an odd browser or desktop zoom:
		// 2.25-3.5 px per module, its edges smoothed by the resampling.
		page := newPage(r, 1920, 1080, false)
		blitAt(page, r, zoomedQR(r, payload, 0, 255))
		img = page
	case "dark-zoom":
		// The same on a dark page: light modules on a dark card.
		page := newPage(r, 1920, 1080, true)
		blitAt(page, r, zoomedQR(r, payload, 235, 24))
		img = page
	case "transfer-zoom":
		// A whole transfer shown as three small codes side by side.
		page := newPage(r, 1920, 1080, r.IntN(3) == 0)
		parts := transferParts(r, 3)
		x := 40 + r.IntN(200)
		for _, pl := range parts {
			q := zoomedQR(r, pl, 0, 255)
			blit(page.Gray, q, x, 200+r.IntN(300))
			x += q.Bounds().Dx() + 20 + r.IntN(40)
		}
		im.Payloads = parts
		img = page
	case "thin":
		// A very long strip (a scrolling screenshot turned sideways, a
		// banner): a code in it at 3-4 px per module.
		w, h := 8000+r.IntN(12000), 300+r.IntN(200)
		strip := image.NewGray(image.Rect(0, 0, w, h))
		fillRect(strip, 0, 0, w, h, uint8(235+r.IntN(21)))
		for k := 0; k < 200; k++ {
			fillRect(strip, r.IntN(w), r.IntN(h), 10+r.IntN(60), 8+r.IntN(4), uint8(40+r.IntN(60)))
		}
		q := renderQR(payload, 3+r.IntN(2), 0, 255)
		blit(strip, q, r.IntN(w-q.Bounds().Dx()), (h-q.Bounds().Dy())/2)
		img = strip
	case "negative":
		page := newPage(r, 1920, 1080, r.IntN(3) == 0)
		// Squares and stripes that look a little like codes but are not.
		for k := 0; k < 20; k++ {
			x, y, s := r.IntN(1800), r.IntN(980), 10+r.IntN(90)
			fillRect(page.Gray, x, y, s, s, uint8(r.IntN(256)))
		}
		img = page
		payload = ""
	}
	if im.Payloads == nil && payload != "" {
		im.Payloads = []string{payload}
	}
	var buf bytes.Buffer
	if jpegQ > 0 {
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: jpegQ})
		im.Name = fmt.Sprintf("%s-%02d.jpg", cat, i)
	} else {
		png.Encode(&buf, img)
		im.Name = fmt.Sprintf("%s-%02d.png", cat, i)
	}
	im.Data = buf.Bytes()
	return im
}

// Payload makes a random authenticator payload: mostly otpauth URIs,
// sometimes a transfer code of a few accounts (a bigger QR).
func Payload(r *rand.Rand) string {
	if r.IntN(4) == 0 {
		return transferParts(r, 1)[0]
	}
	return randomAccount(r, 0).URI()
}

func randomAccount(r *rand.Rand, i int) *accounts.Account {
	issuers := []string{"GitHub", "Netim", "N0C", "Exponea", "NetExplorer", "Air Canada", "Proton", "Example Bank"}
	secret := make([]byte, 10+r.IntN(11))
	for j := range secret {
		secret[j] = byte(r.UintN(256))
	}
	return &accounts.Account{
		Issuer: issuers[r.IntN(len(issuers))], Name: fmt.Sprintf("user%d.%d@example.com", r.IntN(1000), i),
		Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: secret,
	}
}

// transferParts makes a Google Authenticator transfer split over n codes.
func transferParts(r *rand.Rand, n int) []string {
	var accts []*accounts.Account
	per := 1 + r.IntN(3)
	for i := 0; i < n*per; i++ {
		accts = append(accts, randomAccount(r, i))
	}
	uris, err := accounts.EncodeMigrationWithID(accts, per, r.Uint32())
	if err != nil {
		panic(err)
	}
	return uris
}

// page is a grey canvas that looks like an app or web page.
type page struct {
	*image.Gray
	dark bool
}

func newPage(r *rand.Rand, w, h int, dark bool) *page {
	bg, ink := uint8(245+r.IntN(11)), uint8(40+r.IntN(60))
	if dark {
		bg, ink = uint8(18+r.IntN(20)), uint8(170+r.IntN(60))
	}
	p := &page{image.NewGray(image.Rect(0, 0, w, h)), dark}
	fillRect(p.Gray, 0, 0, w, h, bg)
	// A header bar and lines of "text": small dark runs, like glyphs.
	fillRect(p.Gray, 0, 0, w, h/14, uint8(int(bg)/2+int(ink)/2))
	for y := h / 10; y < h-20; y += 18 + r.IntN(10) {
		for x := w / 20; x < w-w/20; {
			word := 20 + r.IntN(80)
			if r.IntN(9) > 0 {
				fillRect(p.Gray, x, y, word, 8+r.IntN(4), ink)
			}
			x += word + 8
		}
	}
	return p
}

func fillRect(g *image.Gray, x, y, w, h int, v uint8) {
	b := image.Rect(x, y, x+w, y+h).Intersect(g.Bounds())
	for yy := b.Min.Y; yy < b.Max.Y; yy++ {
		for xx := b.Min.X; xx < b.Max.X; xx++ {
			g.Pix[yy*g.Stride+xx] = v
		}
	}
}

// renderQR draws a code at module size px with a 4-module quiet zone,
// in the given levels for dark and light.
func renderQR(payload string, px int, dark, light uint8) *image.Gray {
	g, err := qrimage.Draw(payload, px)
	if err != nil {
		panic(err)
	}
	for i, v := range g.Pix {
		if v == 0 {
			g.Pix[i] = dark
		} else {
			g.Pix[i] = light
		}
	}
	return g
}

// drawQR puts one code somewhere on the page, on a card of its own.
func drawQR(p *page, r *rand.Rand, payload string, px int, inverted bool) {
	dark, light := uint8(0), uint8(255)
	if inverted {
		dark, light = 235, 24 // light modules on a dark card
	}
	blitAt(p, r, renderQR(payload, px, dark, light))
}

// zoomedQR draws payload as a site serves it, at 1 or 2 px per module,
// and resamples it bilinearly to 2.25-3.5 px per module, as a browser
// or desktop zoom of 112-350% does.
func zoomedQR(r *rand.Rand, payload string, dark, light uint8) *image.Gray {
	base := 1 + r.IntN(2)
	return scaleBilinear(renderQR(payload, base, dark, light), (2.25+r.Float64()*1.25)/float64(base))
}

// blitAt puts q at a random place in the page's body.
func blitAt(p *page, r *rand.Rand, q *image.Gray) {
	b := p.Bounds()
	x := r.IntN(max(1, b.Dx()-q.Bounds().Dx()))
	y := b.Dy()/10 + r.IntN(max(1, b.Dy()*9/10-q.Bounds().Dy()))
	blit(p.Gray, q, x, y)
}

func drawQRs(p *page, r *rand.Rand, payloads []string, px int) {
	x := 40 + r.IntN(40)
	for _, pl := range payloads {
		q := renderQR(pl, px, 0, 255)
		blit(p.Gray, q, x, p.Bounds().Dy()/4+r.IntN(p.Bounds().Dy()/4))
		x += q.Bounds().Dx() + 30 + r.IntN(40)
	}
}

func blit(dst, src *image.Gray, x, y int) {
	sb := src.Bounds()
	for yy := 0; yy < sb.Dy(); yy++ {
		if y+yy < 0 || y+yy >= dst.Bounds().Dy() {
			continue
		}
		for xx := 0; xx < sb.Dx(); xx++ {
			if x+xx >= 0 && x+xx < dst.Bounds().Dx() {
				dst.Pix[(y+yy)*dst.Stride+x+xx] = src.Pix[yy*src.Stride+xx]
			}
		}
	}
}

// photo: a code on paper or a screen, photographed at an angle (tilt up
// to about 25 degrees, perspective), slightly out of focus, under
// uneven light, with sensor noise.
func photo(r *rand.Rand, payload string) image.Image {
	const w, h = 2400, 1800
	q := renderQR(payload, 10, 10, 250)
	qs := float64(q.Bounds().Dx())
	out := image.NewGray(image.Rect(0, 0, w, h))
	// Where the code's corners land: a square of 500-900 px, rotated,
	// then one side foreshortened for the tilt.
	side := 500 + r.Float64()*400
	cx, cy := w/2+(r.Float64()-0.5)*600, h/2+(r.Float64()-0.5)*400
	rot := (r.Float64() - 0.5) * 2 * 25 * math.Pi / 180
	tilt := 1 - r.Float64()*0.3 // far edge up to 30% shorter
	corners := [4][2]float64{{-1, -1}, {1, -1}, {1, 1}, {-1, 1}}
	var dst [8]float64
	for k, c := range corners {
		x, y := c[0]*side/2, c[1]*side/2
		if c[1] < 0 {
			x *= tilt
		}
		dst[2*k] = cx + x*math.Cos(rot) - y*math.Sin(rot)
		dst[2*k+1] = cy + x*math.Sin(rot) + y*math.Cos(rot)
	}
	// Map each output pixel back into the code image.
	t := common.PerspectiveTransform_QuadrilateralToQuadrilateral(
		dst[0], dst[1], dst[2], dst[3], dst[4], dst[5], dst[6], dst[7],
		0, 0, qs, 0, qs, qs, 0, qs)
	bg := 60 + r.Float64()*80 // the desk or the screen's bezel
	lightAngle := r.Float64() * 2 * math.Pi
	xs, ys := make([]float64, w), make([]float64, w)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			xs[x], ys[x] = float64(x)+0.5, float64(y)+0.5
		}
		t.TransformPointsXY(xs, ys)
		for x := 0; x < w; x++ {
			v := bg
			if sx, sy := xs[x], ys[x]; sx >= 0 && sy >= 0 && sx < qs-1 && sy < qs-1 {
				v = bilinear(q, sx, sy)
			}
			// Light falls off across the frame.
			dx, dy := float64(x)/w-0.5, float64(y)/h-0.5
			light := 0.75 + 0.25*(dx*math.Cos(lightAngle)+dy*math.Sin(lightAngle))*2
			out.Pix[y*out.Stride+x] = clamp(v*light + r.NormFloat64()*6)
		}
	}
	return boxBlur(boxBlur(out, 1+r.IntN(2)), 1)
}

// thumbnail: a code shrunk to 1.2-2 px per module, as in a file
// manager's preview (below about 1.5 px no decoder reads them reliably).
func thumbnail(r *rand.Rand, payload string) image.Image {
	q := renderQR(payload, 8, 0, 255)
	px := 1.2 + r.Float64()*0.8
	size := int(float64(q.Bounds().Dx()) / 8 * px)
	return resize(q, size)
}

// greyScan: a printout scanned in grey: grey paper, dark grey toner,
// a slight skew, some noise.
func greyScan(r *rand.Rand, payload string) image.Image {
	paper, toner := 170+r.Float64()*40, 50+r.Float64()*50
	q := renderQR(payload, 8+r.IntN(5), 0, 255)
	const w, h = 1700, 2200 // A4 at 200 dpi
	out := image.NewGray(image.Rect(0, 0, w, h))
	skew := (r.Float64() - 0.5) * 6 * math.Pi / 180
	ox, oy := 200+r.Float64()*600, 300+r.Float64()*900
	qs := float64(q.Bounds().Dx())
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			fx, fy := float64(x)-ox, float64(y)-oy
			sx := fx*math.Cos(skew) + fy*math.Sin(skew)
			sy := -fx*math.Sin(skew) + fy*math.Cos(skew)
			v := 255.0
			if sx >= 0 && sy >= 0 && sx < qs-1 && sy < qs-1 {
				v = bilinear(q, sx, sy)
			}
			level := toner + (paper-toner)*v/255
			out.Pix[y*out.Stride+x] = clamp(level + r.NormFloat64()*5)
		}
	}
	return boxBlur(out, 1)
}

func bilinear(g *image.Gray, x, y float64) float64 {
	x0, y0 := int(x), int(y)
	fx, fy := x-float64(x0), y-float64(y0)
	at := func(x, y int) float64 { return float64(g.Pix[y*g.Stride+x]) }
	top := at(x0, y0)*(1-fx) + at(x0+1, y0)*fx
	bot := at(x0, y0+1)*(1-fx) + at(x0+1, y0+1)*fx
	return top*(1-fy) + bot*fy
}

// scaleBilinear resizes g by f, sampling each output pixel's centre
// bilinearly: the smooth scaling browsers and desktops apply to images.
func scaleBilinear(g *image.Gray, f float64) *image.Gray {
	b := g.Bounds()
	w, h := int(float64(b.Dx())*f), int(float64(b.Dy())*f)
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		sy := math.Min(math.Max((float64(y)+0.5)/f-0.5, 0), float64(b.Dy())-1.001)
		for x := 0; x < w; x++ {
			sx := math.Min(math.Max((float64(x)+0.5)/f-0.5, 0), float64(b.Dx())-1.001)
			out.Pix[y*out.Stride+x] = clamp(bilinear(g, sx, sy) + 0.5)
		}
	}
	return out
}

func clamp(v float64) uint8 { return uint8(math.Max(0, math.Min(255, v))) }

// resize scales a square image to size×size by area averaging.
func resize(g *image.Gray, size int) *image.Gray {
	n := g.Bounds().Dx()
	out := image.NewGray(image.Rect(0, 0, size, size))
	scale := float64(n) / float64(size)
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var sum, cnt float64
			for sy := int(float64(y) * scale); sy < int(float64(y+1)*scale) && sy < n; sy++ {
				for sx := int(float64(x) * scale); sx < int(float64(x+1)*scale) && sx < n; sx++ {
					sum += float64(g.Pix[sy*g.Stride+sx])
					cnt++
				}
			}
			if cnt > 0 {
				out.Pix[y*out.Stride+x] = clamp(sum / cnt)
			}
		}
	}
	return out
}

// boxBlur averages each pixel with its neighbours within radius.
func boxBlur(g *image.Gray, radius int) *image.Gray {
	b := g.Bounds()
	tmp := image.NewGray(b)
	out := image.NewGray(b)
	pass := func(src, dst *image.Gray, dx, dy int) {
		for y := 0; y < b.Dy(); y++ {
			for x := 0; x < b.Dx(); x++ {
				sum, cnt := 0, 0
				for k := -radius; k <= radius; k++ {
					xx, yy := x+k*dx, y+k*dy
					if xx >= 0 && yy >= 0 && xx < b.Dx() && yy < b.Dy() {
						sum += int(src.Pix[yy*src.Stride+xx])
						cnt++
					}
				}
				dst.Pix[y*dst.Stride+x] = uint8(sum / cnt)
			}
		}
	}
	pass(g, tmp, 1, 0)
	pass(tmp, out, 0, 1)
	return out
}

// PNG renders payload as a plain QR code image (module size px, with a
// quiet zone): what a site's "save the QR code" button gives.
func PNG(payload string, px int) []byte {
	var buf bytes.Buffer
	png.Encode(&buf, renderQR(payload, px, 0, 255))
	return buf.Bytes()
}

// Zoomed renders payload at base px per module and resamples it by f,
// as a browser zooms an image.
func Zoomed(payload string, base int, f float64) *image.Gray {
	return scaleBilinear(renderQR(payload, base, 0, 255), f)
}

// Page is a light 1920×1080 page of "text" holding codes at the given
// places: a screenshot.
func Page(seed uint64, codes []*image.Gray, at []image.Point) *image.Gray {
	r := rand.New(rand.NewPCG(seed, seed))
	p := newPage(r, 1920, 1080, false)
	for i, q := range codes {
		blit(p.Gray, q, at[i].X, at[i].Y)
	}
	return p.Gray
}

// QR renders payload as a plain QR code at module size px.
func QR(payload string, px int) *image.Gray { return renderQR(payload, px, 0, 255) }
