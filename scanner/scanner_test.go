package scanner

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/image/bmp"
	"golang.org/x/image/tiff"

	"twofold/accounts"
	"twofold/internal/hostile"
	"twofold/internal/qrcorpus"
)

// minRate is the share of each corpus category that must decode, from
// what bench/scanbench measures (see the README's table).
var minRate = map[string]float64{
	"screenshot-1080p": 1, "screenshot-4k": 1, "dark-mode": 1, "jpeg": 1,
	"photo": 0.75, "thumbnail": 0.6, "grey-scan": 1, "multi": 1, "negative": 1,
	"browser-zoom": 1, "dark-zoom": 0.75, "transfer-zoom": 1, "thin": 1,
}

func TestCorpusDecodeRates(t *testing.T) {
	n := 8
	if testing.Short() {
		n = 2
	}
	corpus := qrcorpus.Generate(3, n)
	ok := map[string]int{}
	for _, im := range corpus {
		img, err := ReadImage(bytes.NewReader(im.Data))
		if err != nil {
			t.Fatalf("%s: %v", im.Name, err)
		}
		got, err := DecodeImage(img, DefaultBudget)
		switch {
		case len(im.Payloads) == 0 && errors.Is(err, ErrNoQR):
			ok[im.Category]++
		case len(im.Payloads) > 0 && containsAll(got, im.Payloads):
			ok[im.Category]++
		default:
			t.Logf("%s: not decoded (%v)", im.Name, err)
		}
		for _, g := range got {
			if !slices.Contains(im.Payloads, g) {
				t.Errorf("%s: read %q, which it does not hold", im.Name, g)
			}
		}
	}
	for _, cat := range qrcorpus.Categories {
		rate := float64(ok[cat]) / float64(n)
		t.Logf("%-17s %3.0f%%", cat, rate*100)
		if rate < minRate[cat] {
			t.Errorf("%s: %.0f%% decoded, want at least %.0f%%", cat, rate*100, minRate[cat]*100)
		}
	}
}

func containsAll(got, want []string) bool {
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

const uri = "otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example"

func TestFormats(t *testing.T) {
	q := qrcorpus.QR(uri, 5)
	encoders := map[string]func(*bytes.Buffer) error{
		"png":  func(b *bytes.Buffer) error { return png.Encode(b, q) },
		"jpeg": func(b *bytes.Buffer) error { return jpeg.Encode(b, q, &jpeg.Options{Quality: 60}) },
		"gif":  func(b *bytes.Buffer) error { return gif.Encode(b, q, nil) },
		"bmp":  func(b *bytes.Buffer) error { return bmp.Encode(b, q) },
		"tiff": func(b *bytes.Buffer) error { return tiff.Encode(b, q, nil) },
	}
	for name, enc := range encoders {
		var buf bytes.Buffer
		if err := enc(&buf); err != nil {
			t.Fatal(err)
		}
		img, err := ReadImage(&buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got, err := DecodeImage(img, 0); err != nil || !slices.Equal(got, []string{uri}) {
			t.Errorf("%s: %v, %v", name, got, err)
		}
	}
	// WebP has no Go encoder: a file made with ImageMagick.
	r := ScanFile("testdata/qr.webp")
	if r.Err != nil || len(r.Texts) != 1 || !strings.HasPrefix(r.Texts[0], "otpauth://totp/WebP:alice") {
		t.Errorf("webp: %+v", r)
	}
}

func TestTransparentAndPaletted(t *testing.T) {
	// A QR on a transparent background (common for downloaded PNGs).
	q := qrcorpus.QR(uri, 4)
	nrgba := image.NewNRGBA(q.Bounds())
	for i, v := range q.Pix {
		if v == 0 {
			nrgba.Pix[4*i+3] = 255 // opaque black module; the rest stays transparent
		}
	}
	if got, err := DecodeImage(nrgba, 0); err != nil || len(got) != 1 {
		t.Errorf("transparent background: %v, %v", got, err)
	}
}

// pngHeader makes a PNG whose header claims w×h pixels, with a valid CRC.
func pngHeader(w, h uint32) []byte {
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 2 // 8-bit RGB
	chunk := append([]byte("IHDR"), ihdr...)
	binary.Write(&b, binary.BigEndian, uint32(13))
	b.Write(chunk)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(chunk))
	return b.Bytes()
}

func TestBombsRefusedBeforeAllocating(t *testing.T) {
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"50000x50000 PNG", pngHeader(50000, 50000)},
		{"20000x6000 PNG", pngHeader(20000, 6000)},
		{"huge GIF", append([]byte("GIF89a\xff\xff\xff\xff\x00\x00\x00"), make([]byte, 32)...)},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := ReadImage(bytes.NewReader(tt.data))
		runtime.ReadMemStats(&after)
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s: %v, want ErrTooLarge", tt.name, err)
		}
		if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
			t.Errorf("%s: allocated %d bytes before refusing", tt.name, grew)
		}
	}
}

func TestDamagedFiles(t *testing.T) {
	var good bytes.Buffer
	png.Encode(&good, qrcorpus.QR(uri, 4))
	var goodJPEG bytes.Buffer
	jpeg.Encode(&goodJPEG, qrcorpus.QR(uri, 4), nil)
	for _, tt := range []struct {
		name string
		data []byte
		want error
	}{
		{"text file", []byte("hello, this is not an image"), ErrNotImage},
		{"empty", nil, ErrNotImage},
		{"truncated PNG", good.Bytes()[:good.Len()/2], nil},
		{"truncated JPEG", goodJPEG.Bytes()[:goodJPEG.Len()/3], nil},
		{"PNG header only", good.Bytes()[:40], nil},
	} {
		img, err := ReadImage(bytes.NewReader(tt.data))
		if err == nil {
			// Some decoders return a partial image; decoding it must not panic.
			DecodeImage(img, 0)
			continue
		}
		if tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, err, tt.want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: error is not one line: %q", tt.name, err)
		}
	}
}

func TestNoQRNamesTheFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "holiday.png")
	blank := image.NewGray(image.Rect(0, 0, 300, 200))
	var buf bytes.Buffer
	png.Encode(&buf, blank)
	os.WriteFile(p, buf.Bytes(), 0o644)
	r := ScanFile(p)
	if !errors.Is(r.Err, ErrNoQR) || r.Err.Error() != "no QR code found in "+p {
		t.Errorf("ScanFile(blank) = %v", r.Err)
	}
}

func TestInterpret(t *testing.T) {
	tests := []struct{ payload, want string }{
		{"https://example.com/login?token=1#x", "this QR code is not an authenticator code: it holds a web address: https://example.com/login"},
		{"otpauth:totp/x?secret=JBSWY3DPEHPK3PXP", "this QR code is not an authenticator code: it holds a malformed otpauth link (not shown: it may hold a secret)"},
		{"WIFI:T:WPA;S:home;P:hunter2;;", "this QR code is not an authenticator code: it holds Wi-Fi settings"},
		{"BEGIN:VCARD\nFN:Ann\nEND:VCARD", "this QR code is not an authenticator code: it holds a contact card"},
		{"just some words", `this QR code is not an authenticator code: it holds text: "just some words"`},
		{"otpauth://totp/x?secret=JBSWY3DPEHPK3PXP&digits=11", "otpauth URI: bad digits: 11 is not between 6 and 10"},
	}
	for _, tt := range tests {
		f := Interpret(tt.payload)
		if f.Err == nil || f.Err.Error() != tt.want {
			t.Errorf("Interpret(%q) = %v, want %q", tt.payload, f.Err, tt.want)
		}
		if strings.Contains(f.Err.Error(), "hunter2") {
			t.Error("the Wi-Fi password was shown")
		}
	}
	if f := Interpret(uri); f.Err != nil || len(f.Accounts) != 1 || f.Accounts[0].Issuer != "Example" {
		t.Errorf("Interpret(otpauth) = %+v", f)
	}
}

// TestInterpretHidesSecrets: no error about a malformed link, however
// it is broken, quotes the secret it carries.
func TestInterpretHidesSecrets(t *testing.T) {
	for _, p := range append(hostile.BadOTPAuth, "see "+hostile.BadOTPAuth[0], "https://x.example/?secret="+hostile.Secret) {
		f := Interpret(p)
		if f.Err == nil {
			t.Errorf("Interpret(%q) found no problem", p)
			continue
		}
		if strings.Contains(f.Err.Error(), hostile.Secret) || strings.Contains(f.Err.Error(), hostile.Secret[:16]) {
			t.Errorf("Interpret(%q) = %v: the secret is shown", p, f.Err)
		}
	}
}

// TestTransferClaims: a transfer claiming 2^31-1 parts is refused; one
// with many parts missing names a few and counts the rest.
func TestTransferClaims(t *testing.T) {
	if f := Interpret(hostile.TransferURI(2147483647)); f.Err == nil || f.Batch != nil || !strings.Contains(f.Err.Error(), "Twofold reads up to 100") {
		t.Errorf("a transfer of 2147483647 codes: %+v", f)
	}
	f := Interpret(hostile.TransferURI(100))
	if f.Err != nil {
		t.Fatal(f.Err)
	}
	var tr Transfers
	tr.Add(f.Batch)
	want := "Google Authenticator transfer: 1 of 100 scanned (missing: 2, 3, 4, 5, 6 and 94 more)"
	if got := tr.Status(); len(got) != 1 || got[0] != want {
		t.Errorf("Status() = %q, want %q", got, want)
	}
}

// TestTransferAcrossImages: transfers of several sizes, one QR image per
// part; a missing part is named.
func TestTransferAcrossImages(t *testing.T) {
	for _, n := range []int{1, 5, 10, 23, 40} {
		var accts []*accounts.Account
		for i := 0; i < n; i++ {
			accts = append(accts, &accounts.Account{Issuer: "Bank", Name: strings.Repeat("x", i%7) + "user" + string(rune('a'+i%26)),
				Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9}})
		}
		uris, err := accounts.EncodeMigration(accts, 10)
		if err != nil {
			t.Fatal(err)
		}
		var tr Transfers
		var got []*accounts.Account
		for i, u := range uris {
			img, err := ReadImage(bytes.NewReader(qrcorpus.PNG(u, 3)))
			if err != nil {
				t.Fatal(err)
			}
			texts, err := DecodeImage(img, 0)
			if err != nil || len(texts) != 1 {
				t.Fatalf("%d accounts, part %d: %v %v", n, i+1, texts, err)
			}
			f := Interpret(texts[0])
			if f.Err != nil || f.Batch == nil {
				t.Fatalf("part %d: %v", i+1, f.Err)
			}
			tr.Add(f.Batch)
			got = append(got, f.Accounts...)
			if i == 0 && len(uris) == 3 {
				if s := tr.Status(); len(s) != 1 || s[0] != "Google Authenticator transfer: 1 of 3 scanned (missing: 2, 3)" {
					t.Errorf("status after part 1: %q", s)
				}
			}
		}
		if !tr.Complete() || len(got) != n {
			t.Errorf("%d accounts: got %d, complete %v", n, len(got), tr.Complete())
		}
		for i := range got {
			if !got[i].SameAs(accts[i]) {
				t.Errorf("account %d differs", i)
			}
		}
	}
}

func TestScanFolder(t *testing.T) {
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "old phone", "2024"), 0o755)
	files := map[string][]byte{
		"a.png":                     qrcorpus.PNG(uri, 4),
		"old phone/b.PNG":           qrcorpus.PNG("otpauth://totp/B:b?secret=JBSWY3DPEHPK3PXP", 4),
		"old phone/2024/c.png":      qrcorpus.PNG("otpauth://totp/C:c?secret=JBSWY3DPEHPK3PXP", 4),
		"old phone/notes.txt":       []byte("not an image"),
		"old phone/2024/broken.jpg": []byte("\xff\xd8\xff garbage"),
	}
	for name, data := range files {
		os.WriteFile(filepath.Join(dir, name), data, 0o644)
	}
	var calls atomic.Int32
	results, err := ScanPaths(context.Background(), []string{dir}, func(done, total int, _ string) {
		calls.Add(1)
		if total != 4 || done < 1 || done > total {
			t.Errorf("progress %d of %d", done, total)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != 4 || calls.Load() != 4 {
		t.Fatalf("%d results, %d progress calls; want 4 and 4", len(results), calls.Load())
	}
	decoded, failed := 0, 0
	for _, r := range results {
		if r.Err != nil {
			failed++
		} else {
			decoded++
		}
	}
	if decoded != 3 || failed != 1 {
		t.Errorf("decoded %d, failed %d; want 3 and 1", decoded, failed)
	}

	// Cancelled before it starts: nothing is scanned.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	results, _ = ScanPaths(ctx, []string{dir}, nil)
	for _, r := range results {
		if !errors.Is(r.Err, context.Canceled) {
			t.Errorf("%s scanned after cancel", r.File)
		}
	}
}

func FuzzReadImage(f *testing.F) {
	var b bytes.Buffer
	png.Encode(&b, qrcorpus.QR(uri, 2))
	f.Add(b.Bytes())
	b.Reset()
	jpeg.Encode(&b, qrcorpus.QR(uri, 2), nil)
	f.Add(b.Bytes())
	b.Reset()
	gif.Encode(&b, qrcorpus.QR(uri, 2), nil)
	f.Add(b.Bytes())
	f.Add(pngHeader(1, 1))
	f.Add(hostile.PNG(7, 5, 16, 6)) // 16-bit colour: the strip conversion
	f.Add(hostile.PNG(9, 3, 8, 0))
	f.Add(hostile.PNG(10000, 10000, 16, 6)[:200]) // a header over the byte bound
	f.Fuzz(func(t *testing.T, data []byte) {
		img, err := ReadImage(bytes.NewReader(data))
		if err != nil {
			return
		}
		if b := img.Bounds(); b.Dx()*b.Dy() > MaxPixels {
			t.Fatalf("accepted a %v image", b)
		}
		// It must not panic. A tiny budget: the first passes run, and
		// the fuzzer spends its time on the decoders, not on waiting.
		DecodeImage(img, time.Millisecond)
	})
}

// TestHostileImages: images within the pixel limit that would decode to
// hundreds of MB, or be enlarged to gigabytes, are refused or scanned
// within a bounded allocation.
func TestHostileImages(t *testing.T) {
	dir := t.TempDir()
	png16 := filepath.Join(dir, "png16.png")
	os.WriteFile(png16, hostile.PNG(10000, 10000, 16, 6), 0o600)
	r := ScanFile(png16)
	if !errors.Is(r.Err, ErrTooLarge) || !strings.Contains(r.Err.Error(), "would take 762 MiB to decode (the limit is 256 MiB)") {
		t.Errorf("a 100-megapixel 16-bit PNG: %v", r.Err)
	}
	thin := filepath.Join(dir, "thin.png")
	os.WriteFile(thin, hostile.PNG(200000, 499, 8, 0), 0o600)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	r = ScanFile(thin)
	runtime.ReadMemStats(&after)
	if !errors.Is(r.Err, ErrNoQR) {
		t.Errorf("a blank 200000x499 strip: %v", r.Err)
	}
	t.Logf("a 200000x499 strip: %d MiB allocated", (after.TotalAlloc-before.TotalAlloc)>>20)
	// Unbounded, it enlarged the strip 3 to 5 times: 2 GB and more.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 1<<30 {
		t.Errorf("scanning a 200000x499 strip allocated %d MiB", alloc>>20)
	}
}
