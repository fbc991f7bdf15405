package backup

import (
	"bytes"
	"compress/gzip"
	_ "embed"
	"io"
	"sync"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
)

// The sheet's fonts, tried in order for each character of a name: the Go
// fonts (Latin, Greek, Cyrillic; BSD licence), DejaVu Sans (symbols,
// Armenian, Georgian, Hebrew, Arabic and more; Bitstream Vera licence),
// Droid Sans Fallback (Chinese and Japanese; Apache 2.0) and Nanum
// Gothic (Korean; SIL Open Font Licence 1.1). Their licences are beside
// them in fonts/. They are kept gzipped (5 MB instead of 10) and opened
// only when a name needs them; the PDF embeds only the glyphs it uses
// (fpdf subsets them).

//go:embed fonts/DejaVuSans.ttf.gz
var dejaVuSans []byte

//go:embed fonts/DroidSansFallbackFull.ttf.gz
var droidFallback []byte

//go:embed fonts/NanumGothic.ttf.gz
var nanumGothic []byte

type sheetFont struct {
	family string
	gz     []byte // gzipped TrueType, or nil with data set
	data   []byte // regular
	bold   []byte // nil: the regular one stands in
	once   sync.Once
	parsed *sfnt.Font
}

var sheetFonts = []*sheetFont{
	{family: "go", data: goregular.TTF, bold: gobold.TTF},
	{family: "dejavu", gz: dejaVuSans},
	{family: "droid", gz: droidFallback},
	{family: "nanum", gz: nanumGothic},
}

// load unpacks and parses the font, once.
func (f *sheetFont) load() {
	f.once.Do(func() {
		if f.gz != nil {
			zr, err := gzip.NewReader(bytes.NewReader(f.gz))
			if err != nil {
				return
			}
			if f.data, err = io.ReadAll(zr); err != nil {
				f.data = nil
				return
			}
		}
		f.parsed, _ = sfnt.Parse(f.data)
	})
}

// covers says whether the font has a glyph for r.
func (f *sheetFont) covers(r rune) bool {
	f.load()
	if f.parsed == nil {
		return false
	}
	var b sfnt.Buffer
	i, err := f.parsed.GlyphIndex(&b, r)
	return err == nil && i != 0
}

// fontFor is the first font with a glyph for r (the first fallback,
// whose box stands for a missing glyph, if none has).
func fontFor(r rune) *sheetFont {
	if r < 0x250 { // Latin: the Go fonts, without a lookup
		return sheetFonts[0]
	}
	for _, f := range sheetFonts {
		if f.covers(r) {
			return f
		}
	}
	return sheetFonts[1]
}

// sheetText writes text on a PDF with font fallback, registering each
// fallback font on first use.
type sheetText struct {
	pdf   *fpdf.Fpdf
	added map[string]bool
}

func newSheetText(pdf *fpdf.Fpdf) *sheetText {
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes("gomono", "", gomono.TTF)
	return &sheetText{pdf: pdf, added: map[string]bool{"go": true}}
}

// run is a stretch of text in one font.
type run struct {
	font *sheetFont
	text string
}

func runs(s string) []run {
	var out []run
	for _, r := range s {
		f := fontFor(r)
		if n := len(out); n > 0 && out[n-1].font == f {
			out[n-1].text += string(r)
			continue
		}
		out = append(out, run{f, string(r)})
	}
	return out
}

func (t *sheetText) use(f *sheetFont, style string, size float64) {
	if !t.added[f.family] {
		f.load()
		t.pdf.AddUTF8FontFromBytes(f.family, "", f.data)
		bold := f.bold
		if bold == nil {
			bold = f.data
		}
		t.pdf.AddUTF8FontFromBytes(f.family, "B", bold)
		t.added[f.family] = true
	}
	t.pdf.SetFont(f.family, style, size)
}

// width is s's width in the style and size.
func (t *sheetText) width(s, style string, size float64) float64 {
	w := 0.0
	for _, r := range runs(s) {
		t.use(r.font, style, size)
		w += t.pdf.GetStringWidth(r.text)
	}
	return w
}

// lines breaks s into at most max lines of width w (at spaces where it
// can, anywhere in a word too long for a line); what does not fit ends
// the last line with "…".
func (t *sheetText) lines(s, style string, size, w float64, max int) []string {
	var out []string
	rest := []rune(s)
	for len(rest) > 0 && len(out) < max {
		// The longest start of rest that fits (width grows with n).
		lo, hi := 1, len(rest)
		for lo < hi {
			mid := (lo + hi + 1) / 2
			if t.width(string(rest[:mid]), style, size) <= w {
				lo = mid
			} else {
				hi = mid - 1
			}
		}
		n := lo
		if n < len(rest) {
			for sp := n; sp > n/2; sp-- { // break at a space in the line's second half
				if rest[sp] == ' ' {
					n = sp
					break
				}
			}
		}
		out = append(out, string(rest[:n]))
		rest = []rune(trimLeftSpace(string(rest[n:])))
	}
	if len(rest) > 0 && len(out) > 0 {
		last := []rune(out[len(out)-1])
		for len(last) > 0 && t.width(string(last)+"…", style, size) > w {
			last = last[:len(last)-1]
		}
		out[len(out)-1] = string(last) + "…"
	}
	return out
}

// write puts s at the current position, in its fonts.
func (t *sheetText) write(s, style string, size, h float64) {
	for _, r := range runs(s) {
		t.use(r.font, style, size)
		t.pdf.CellFormat(t.pdf.GetStringWidth(r.text), h, r.text, "", 0, "L", false, 0, "")
	}
}

func trimLeftSpace(s string) string {
	for len(s) > 0 && s[0] == ' ' {
		s = s[1:]
	}
	return s
}
