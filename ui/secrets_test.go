package ui

import (
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/storage"

	"twofold/accounts"
	"twofold/scanner"
)

// TestSaveQRMode: a QR code saved through Fyne's file dialog writer is
// 0600 and decodes to the account, though Fyne made the file 0644.
func TestSaveQRMode(t *testing.T) {
	a, err := accounts.ParseURI("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example")
	if err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"png", "jpeg"} {
		path := filepath.Join(t.TempDir(), "qr."+format)
		w, err := storage.Writer(storage.NewFileURI(path))
		if err != nil {
			t.Fatal(err)
		}
		if err := saveQR(w, a, format); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s: mode %v, %v; want 0600", format, st.Mode().Perm(), err)
		}
		if r := scanner.ScanFile(path); r.Err != nil || len(r.Texts) != 1 || r.Texts[0] != a.URI() {
			t.Errorf("%s: the saved code holds %q, %v", format, r.Texts, r.Err)
		}
	}
}
