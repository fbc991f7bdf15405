package backup

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/png"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-pdf/fpdf"

	"twofold/accounts"
	"twofold/internal/pngfile"
	"twofold/qrimage"
	"twofold/scanner"
)

// The recovery sheet: A4, five accounts a page, each with its QR code,
// issuer, name, secret in groups of four and unused recovery codes,
// under the date and a warning. Names longer than the space for them
// are wrapped to two lines and shortened with "…" (the QR code keeps
// the whole name); their characters are printed in the first embedded
// font that has them (sheetfont.go). QR codes are greyscale PNG images,
// 4 pixels a module (a few hundred bytes each), which verify finds in
// the file again: an image stream is the PNG's own compressed data.
// Content streams are left uncompressed so the text can be checked too.
const (
	sheetPerPage = 5
	sheetQRmm    = 42.0
	sheetRowMM   = 52.0
	sheetTopMM   = 38.0
	sheetTextMM  = 130.0
	sheetQRpx    = 4
)

func exportPDF(accts []*accounts.Account, opt Options) ([]byte, error) {
	now := opt.Now
	if now.IsZero() {
		now = time.Now()
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetTitle("Twofold recovery sheet", true)
	pdf.SetCreator("Twofold", true)
	pdf.SetCreationDate(now)
	text := newSheetText(pdf)
	pages := (len(accts) + sheetPerPage - 1) / sheetPerPage
	for i, a := range accts {
		if i%sheetPerPage == 0 {
			pdf.AddPage()
			sheetHeader(pdf, now, i/sheetPerPage+1, pages)
		}
		y := sheetTopMM + float64(i%sheetPerPage)*sheetRowMM
		if err := sheetEntry(pdf, text, i, a, y); err != nil {
			return nil, err
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, fmt.Errorf("make the PDF: %w", err)
	}
	return b.Bytes(), nil
}

func sheetHeader(pdf *fpdf.Fpdf, now time.Time, page, pages int) {
	pdf.SetFont("go", "B", 16)
	pdf.SetXY(15, 12)
	pdf.CellFormat(120, 8, "Twofold recovery sheet", "", 0, "L", false, 0, "")
	pdf.SetFont("go", "", 10)
	pdf.CellFormat(60, 8, fmt.Sprintf("%s · page %d of %d", now.Format("2 January 2006"), page, pages), "", 1, "R", false, 0, "")
	pdf.SetX(15)
	pdf.SetTextColor(160, 0, 0)
	pdf.MultiCell(180, 5, "Anyone who has this sheet can make your sign-in codes. Keep it somewhere safe, "+
		"such as a locked drawer, and destroy old copies. To restore an account, scan its code with "+
		"any authenticator app, or type the secret key.", "", "L", false)
	pdf.SetTextColor(0, 0, 0)
}

func sheetEntry(pdf *fpdf.Fpdf, text *sheetText, i int, a *accounts.Account, y float64) error {
	img, err := qrimage.Draw(a.URI(), sheetQRpx)
	if err != nil {
		return err
	}
	var pb bytes.Buffer
	if err := png.Encode(&pb, img); err != nil {
		return err
	}
	name := fmt.Sprintf("qr%d", i)
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &pb)
	pdf.ImageOptions(name, 15, y, sheetQRmm, sheetQRmm, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")

	x := 15 + sheetQRmm + 6
	pdf.SetXY(x, y+2)
	// The issuer on one line, the name on up to two: shortened with "…"
	// beyond that.
	title, sub := nonEmpty(a.Issuer, a.Name), a.Name
	if a.Issuer == "" {
		sub = ""
	}
	for _, l := range text.lines(title, "B", 13, sheetTextMM, 1) {
		text.write(l, "B", 13, 7)
		pdf.SetXY(x, pdf.GetY()+7)
	}
	for _, l := range text.lines(sub, "", 11, sheetTextMM, 2) {
		text.write(l, "", 11, 6)
		pdf.SetXY(x, pdf.GetY()+6)
	}
	pdf.SetFont("go", "", 9)
	pdf.CellFormat(sheetTextMM, 5, describe(a), "", 2, "L", false, 0, "")
	pdf.SetFont("gomono", "", 11)
	pdf.MultiCell(sheetTextMM, 6, GroupSecret(accounts.EncodeSecret(a.Secret)), "", "L", false)
	var unused []string
	for _, rc := range a.RecoveryCodes {
		if rc.UsedAt == nil {
			unused = append(unused, rc.Code)
		}
	}
	if len(unused) > 0 {
		pdf.SetX(x)
		pdf.SetFont("go", "", 9)
		pdf.MultiCell(sheetTextMM, 4.5, "Recovery codes: "+strings.Join(unused, "  "), "", "L", false)
	}
	pdf.SetDrawColor(200, 200, 200)
	pdf.Line(15, y+sheetRowMM-4, 195, y+sheetRowMM-4)
	return nil
}

func describe(a *accounts.Account) string {
	switch a.Kind {
	case accounts.HOTP:
		return fmt.Sprintf("counter-based (HOTP), %s, %d digits, counter %d", a.Algorithm, a.Digits, a.Counter)
	case accounts.Steam:
		return "Steam Guard"
	}
	return fmt.Sprintf("time-based (TOTP), %s, %d digits, every %d s", a.Algorithm, a.Digits, a.Period)
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// GroupSecret spaces a base32 secret in groups of four, as sites show it.
func GroupSecret(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// readPDFSheet finds the sheet's QR codes in the file (each an image
// XObject holding a greyscale PNG's compressed data) and decodes them,
// on every core.
func readPDFSheet(data []byte) ([]*accounts.Account, error) {
	imgs, err := pdfImages(data)
	if err != nil {
		return nil, err
	}
	texts := make([][]string, len(imgs))
	errs := make([]error, len(imgs))
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for i := range next {
				// Decoded one at a time: 5,000 images at once would
				// hold 160 MB.
				img, err := imgs[i].decode(data)
				if err == nil {
					texts[i], err = scanner.DecodeImage(img, scanner.DefaultBudget)
				}
				errs[i] = err
			}
		})
	}
	for i := range imgs {
		next <- i
	}
	close(next)
	wg.Wait()
	r := &Result{}
	for i := range imgs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		r.payloads(texts[i], "", &scanner.Transfers{})
	}
	if len(r.Problems) > 0 {
		return nil, errors.New(r.Problems[0])
	}
	return r.Accounts, nil
}

var (
	pdfImageDict = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`<<\s*/Type /XObject\s*/Subtype /Image\s*/Width (\d+)\s*/Height (\d+)\s*/ColorSpace /DeviceGray\s*/BitsPerComponent 8\s*/Filter /FlateDecode[^>]*>>[^>]*/Length (\d+)\s*>>\s*stream\r?\n`)
	})
)

// pdfImage is where an image XObject of the sheet is in the file:
// greyscale, 8 bits, the stream a PNG's IDAT data (PNG predictors), as
// fpdf writes a PNG.
type pdfImage struct{ w, h, start, end int }

// pdfImages finds the sheet's images.
func pdfImages(data []byte) ([]pdfImage, error) {
	var out []pdfImage
	for _, m := range pdfImageDict().FindAllSubmatchIndex(data, -1) {
		w, _ := strconv.Atoi(string(data[m[2]:m[3]]))
		h, _ := strconv.Atoi(string(data[m[4]:m[5]]))
		n, _ := strconv.Atoi(string(data[m[6]:m[7]]))
		if w < 1 || h < 1 || w > 4096 || h > 4096 || n > len(data)-m[1] {
			return nil, errors.New("an image of the PDF is damaged")
		}
		out = append(out, pdfImage{w, h, m[1], m[1] + n})
	}
	return out, nil
}

func (p pdfImage) decode(data []byte) (image.Image, error) {
	img, err := png.Decode(bytes.NewReader(pngfile.Assemble(p.w, p.h, 8, 0, data[p.start:p.end])))
	if err != nil {
		return nil, fmt.Errorf("a QR image of the PDF does not decode: %w", err)
	}
	return img, nil
}
