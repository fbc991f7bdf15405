package qrimage

import (
	"bytes"
	"slices"
	"testing"

	"twofold/scanner"
)

// TestQRRoundTrip writes account URIs as PNG and JPEG and reads them back
// with the scanner, as another device's camera would.
func TestQRRoundTrip(t *testing.T) {
	payloads := []string{
		"otpauth://totp/Example:alice@example.com?secret=JBSWY3DPEHPK3PXP&issuer=Example",
		"otpauth://hotp/Air%20Canada:Benjamin?secret=KUVJJOM753IHTNDSZVCNKL7GII&issuer=Air+Canada&algorithm=SHA256&digits=7&counter=50",
	}
	for _, p := range payloads {
		for _, format := range []string{"png", "jpeg"} {
			var buf bytes.Buffer
			if err := Write(&buf, p, format, 6); err != nil {
				t.Fatal(err)
			}
			img, err := scanner.ReadImage(&buf)
			if err != nil {
				t.Fatal(err)
			}
			got, err := scanner.DecodeImage(img, 0)
			if err != nil || !slices.Equal(got, []string{p}) {
				t.Errorf("%s: read back %v, %v", format, got, err)
			}
		}
	}
	if err := Write(&bytes.Buffer{}, payloads[0], "gif", 4); err == nil {
		t.Error("an unknown format was accepted")
	}
}
