package backup

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"

	"twofold/accounts"
	"twofold/qrimage"
	"twofold/scanner"
)

// The recovery sheet: A4, five accounts a page, each with its QR code,
// issuer, name, secret in groups of four and unused recovery codes,
// under the date and a warning. The Go fonts are embedded (Latin, Greek,
// Cyrillic). QR codes are JPEG images at high quality: that is what lets
// verify find them in the file again (a DCTDecode stream is the JPEG
// itself), and content streams are left uncompressed so the text can be
// checked too.
const (
	sheetPerPage = 5
	sheetQRmm    = 42.0
	sheetRowMM   = 52.0
	sheetTopMM   = 38.0
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
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes("gomono", "", gomono.TTF)
	pages := (len(accts) + sheetPerPage - 1) / sheetPerPage
	for i, a := range accts {
		if i%sheetPerPage == 0 {
			pdf.AddPage()
			sheetHeader(pdf, now, i/sheetPerPage+1, pages)
		}
		y := sheetTopMM + float64(i%sheetPerPage)*sheetRowMM
		if err := sheetEntry(pdf, i, a, y); err != nil {
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

func sheetEntry(pdf *fpdf.Fpdf, i int, a *accounts.Account, y float64) error {
	img, err := qrimage.Draw(a.URI(), 6)
	if err != nil {
		return err
	}
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, img, &jpeg.Options{Quality: 95}); err != nil {
		return err
	}
	name := fmt.Sprintf("qr%d", i)
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, &jb)
	pdf.ImageOptions(name, 15, y, sheetQRmm, sheetQRmm, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")

	x := 15 + sheetQRmm + 6
	pdf.SetXY(x, y+2)
	pdf.SetFont("go", "B", 13)
	pdf.CellFormat(130, 7, nonEmpty(a.Issuer, a.Name), "", 2, "L", false, 0, "")
	pdf.SetFont("go", "", 11)
	if a.Issuer != "" {
		pdf.CellFormat(130, 6, a.Name, "", 2, "L", false, 0, "")
	}
	pdf.SetFont("go", "", 9)
	pdf.CellFormat(130, 5, describe(a), "", 2, "L", false, 0, "")
	pdf.SetFont("gomono", "", 11)
	pdf.MultiCell(130, 6, GroupSecret(accounts.EncodeSecret(a.Secret)), "", "L", false)
	var unused []string
	for _, rc := range a.RecoveryCodes {
		if rc.UsedAt == nil {
			unused = append(unused, rc.Code)
		}
	}
	if len(unused) > 0 {
		pdf.SetX(x)
		pdf.SetFont("go", "", 9)
		pdf.MultiCell(130, 4.5, "Recovery codes: "+strings.Join(unused, "  "), "", "L", false)
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

// readPDFSheet finds the sheet's QR codes in the file (each a
// DCTDecode image stream, which is a JPEG file) and decodes them.
func readPDFSheet(data []byte) ([]*accounts.Account, error) {
	r := &Result{}
	rest := data
	for {
		i := bytes.Index(rest, []byte("/DCTDecode"))
		if i < 0 {
			break
		}
		rest = rest[i:]
		s := bytes.Index(rest, []byte("stream"))
		e := bytes.Index(rest, []byte("endstream"))
		if s < 0 || e < s {
			return nil, errors.New("an image of the PDF has no data")
		}
		body := bytes.TrimLeft(rest[s+len("stream"):e], "\r\n")
		rest = rest[e:]
		img, err := jpeg.Decode(bytes.NewReader(body))
		if err != nil {
			return nil, fmt.Errorf("a QR image of the PDF does not decode: %w", err)
		}
		texts, err := scanner.DecodeImage(img, scanner.DefaultBudget)
		if err != nil {
			return nil, err
		}
		r.payloads(texts, "", &scanner.Transfers{})
	}
	if len(r.Problems) > 0 {
		return nil, errors.New(r.Problems[0])
	}
	return r.Accounts, nil
}
