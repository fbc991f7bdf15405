package scanner

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"twofold/accounts"
	"twofold/internal/qrcorpus"
	"twofold/internal/testenv"
)

// TestZoomedCodes: a code at every zoom that brings it to 2.25-3.5 px
// per module reads (gozxing alone misjudges the size of some, which
// sizes.go is for).
func TestZoomedCodes(t *testing.T) {
	payloads := []string{
		uri,
		"otpauth://totp/Netim:bob.lastname@netim.example?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Netim&period=30",
		"otpauth://totp/Exponea%20Engagement:someone.with.a.long.name@company.example.com?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPJBSWY3DP&issuer=Exponea%20Engagement&digits=8",
	}
	missed, plain := 0, 0
	for _, p := range payloads {
		for f := 2.25; f <= 3.5; f += 0.05 {
			q := qrcorpus.Zoomed(p, 1, f)
			g := qrcorpus.Page(1, []*image.Gray{q}, []image.Point{{700, 300}})
			if len(decodeGray(g, false, false)) == 0 {
				plain++
			}
			got, err := DecodeImage(g, DefaultBudget)
			if err != nil || !slices.Equal(got, []string{p}) {
				missed++
				t.Errorf("zoom %.2f of a %d-character payload: read %q (%v)", f, len(p), got, err)
			}
		}
	}
	t.Logf("gozxing's reader alone missed %d of %d; all missed: %d", plain, 3*26, missed)
}

// TestTransferSideBySide: three small transfer codes in one screenshot
// all read, including ones whose third finder pattern gozxing's finder
// misses or pairs with a neighbour's.
func TestTransferSideBySide(t *testing.T) {
	var accts []*accounts.Account
	for i := range 6 {
		accts = append(accts, &accounts.Account{Issuer: "Netim", Name: fmt.Sprintf("user%d@example.com", i),
			Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret-%d-0123456789", i))})
	}
	for i, f := range []float64{3.1, 2.4, 2.75, 3.4, 2.6, 3.0} {
		// Batch IDs chosen, so the codes (and the test) are the same at
		// every run; ID 0 at zoom 3.1 once ran out of guesses before the
		// right one.
		parts, err := accounts.EncodeMigrationWithID(accts, 2, uint32(i*7919))
		if err != nil {
			t.Fatal(err)
		}
		var codes []*image.Gray
		var at []image.Point
		x := 60
		for _, p := range parts {
			q := qrcorpus.Zoomed(p, 1, f)
			codes, at = append(codes, q), append(at, image.Point{x, 300})
			x += q.Bounds().Dx() + 30
		}
		got, err := DecodeImage(qrcorpus.Page(2, codes, at), DefaultBudget)
		for _, p := range parts {
			if !slices.Contains(got, p) {
				t.Errorf("zoom %.2f: part %d of %d not read (read %d; %v)", f, slices.Index(parts, p)+1, len(parts), len(got), err)
			}
		}
	}
}

// TestQuickCheck: after the cheap passes, the quick check never turns
// away an image that a later pass reads, and turns away every negative.
func TestQuickCheck(t *testing.T) {
	for _, im := range qrcorpus.Generate(5, 2) {
		img, err := ReadImage(bytes.NewReader(im.Data))
		if err != nil {
			t.Fatal(err)
		}
		g := toGray(img)
		ps, cheap, seen := passes(g)
		read := false
		for _, p := range ps[:cheap] {
			read = read || len(p()) > 0
		}
		open := *seen > 0 || mayHoldCode(g)
		switch {
		case len(im.Payloads) == 0 && open:
			t.Errorf("%s holds no code, but the quick check lets it through", im.Name)
		case len(im.Payloads) > 0 && !read && !open:
			for _, p := range ps[cheap:] {
				if len(p()) > 0 {
					t.Errorf("%s: the quick check turns it away, but a pass reads it", im.Name)
					break
				}
			}
		}
	}
}

// TestPeersUnion: every corpus image that zbarimg or ZXingReader reads,
// Twofold reads too, and nothing it does not hold.
func TestPeersUnion(t *testing.T) {
	zbar, zxing := testenv.Tool(t, "zbarimg"), testenv.Tool(t, "ZXingReader")
	n := 2
	if testing.Short() {
		n = 1
	}
	dir := t.TempDir()
	for _, im := range qrcorpus.Generate(11, n) {
		path := filepath.Join(dir, im.Name)
		if err := os.WriteFile(path, im.Data, 0o600); err != nil {
			t.Fatal(err)
		}
		var peers []string
		for _, peer := range []struct {
			name string
			argv []string
		}{
			{"zbarimg", []string{zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", path}},
			{"zbarimg -Stest-inverted", []string{zbar, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Stest-inverted", path}},
			{"ZXingReader", []string{zxing, "-format", "QRCode", path}},
		} {
			out, _ := exec.Command(peer.argv[0], peer.argv[1:]...).Output()
			if peerRead(string(out), im.Payloads) {
				peers = append(peers, peer.name)
			}
		}
		got := ScanFile(path).Texts
		for _, g := range got {
			if !slices.Contains(im.Payloads, g) {
				t.Errorf("%s: read %q, which it does not hold", im.Name, g)
			}
		}
		if len(peers) > 0 && !containsAll(got, im.Payloads) {
			t.Errorf("%s: %s read it, Twofold read %d of %d codes", im.Name, strings.Join(peers, " and "), len(got), len(im.Payloads))
		}
	}
}

// peerRead: the output holds every payload (zbarimg prints one per line,
// ZXingReader quotes each after "Text:").
func peerRead(out string, payloads []string) bool {
	if len(payloads) == 0 {
		return false
	}
	for _, p := range payloads {
		if !strings.Contains(out, p) {
			return false
		}
	}
	return true
}
