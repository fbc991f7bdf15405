package ui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
)

// inOverlay finds an object of type T in the top dialog.
func inOverlay[T fyne.CanvasObject](w fyne.Window, ok func(T) bool) (T, bool) {
	var zero T
	top := w.Canvas().Overlays().Top()
	if top == nil {
		return zero, false
	}
	for _, o := range test.LaidOutObjects(top) {
		if v, is := o.(T); is && o.Visible() && ok(v) {
			return v, true
		}
	}
	return zero, false
}

func TestBackupAndRestore(t *testing.T) {
	at := time.Unix(100, 0)
	g, _ := newTestGUI(t, &at, testAccounts()...)
	path := filepath.Join(t.TempDir(), "backup.twofold")
	fyne.DoAndWait(func() { g.exportTo(exportChoices[0], path, []byte("a long passphrase"), nil) })
	waitFor(t, "the export to finish", func() bool { return strings.HasPrefix(g.main.status.Text, "Exported 3 accounts") })
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("the backup: %v, %v", st, err)
	}

	// On a new machine: an empty vault.
	g2, w2 := newTestGUI(t, &at)
	fyne.DoAndWait(func() { g2.importFile(path, nil) })
	waitFor(t, "the password prompt", func() bool {
		_, ok := inOverlay(w2, func(e *entry) bool { return e.Password })
		return ok
	})
	fyne.DoAndWait(func() { w2.Canvas().Overlays().Top().Hide(); g2.importFile(path, []byte("wrong passphrase")) })
	waitFor(t, "the wrong-password message", func() bool {
		_, ok := inOverlay(w2, func(l *widget.Label) bool { return l.Text == "Wrong password. Try again." })
		return ok
	})
	if len(g2.vault.Accounts) != 0 {
		t.Fatal("a wrong password imported something")
	}
	fyne.DoAndWait(func() { w2.Canvas().Overlays().Top().Hide(); g2.importFile(path, []byte("a long passphrase")) })
	waitFor(t, "the preview", func() bool {
		_, ok := inOverlay(w2, func(c *widget.Check) bool { return c.Text == "RFC: totp" && c.Checked })
		return ok
	})
	importBtn, _ := inOverlay(w2, func(b *widget.Button) bool { return b.Text == "Import the ticked accounts" })
	fyne.DoAndWait(func() { test.Tap(importBtn) })
	waitFor(t, "the accounts to be imported", func() bool { return len(g2.vault.Accounts) == 3 })

	// Again: all three are duplicates, unticked and not tickable.
	fyne.DoAndWait(func() { g2.importFile(path, []byte("a long passphrase")) })
	waitFor(t, "the second preview", func() bool {
		c, ok := inOverlay(w2, func(c *widget.Check) bool { return c.Text == "RFC: totp (already in the vault; skipped)" })
		return ok && !c.Checked && c.Disabled()
	})
}

func TestImportOtherAppAndBrokenFile(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at)
	fyne.DoAndWait(func() { g.importFile("../backup/testdata/importers/2fas_authenticator_plain_v4.2fas", nil) })
	waitFor(t, "the 2FAS preview", func() bool {
		_, ok := inOverlay(w, func(l *widget.Label) bool { return strings.Contains(l.Text, "holds 5 accounts (2fas); 5 are new") })
		return ok
	})
	fyne.DoAndWait(func() {
		w.Canvas().Overlays().Top().Hide()
		g.importFile("../backup/testdata/importers/README.md", nil)
	})
	waitFor(t, "an error for a file that is no export", func() bool {
		_, ok := inOverlay(w, func(l *widget.Label) bool { return strings.Contains(l.Text, "not an export Twofold can read") })
		return ok
	})
}

func TestTransferSlideshow(t *testing.T) {
	at := time.Unix(100, 0)
	var accts []*accounts.Account
	for i := range 15 {
		accts = append(accts, &accounts.Account{Issuer: fmt.Sprintf("Site %d", i), Name: "me", Kind: accounts.TOTP, Algorithm: accounts.SHA1,
			Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("transfer secret %02d", i))})
	}
	accts = append(accts, &accounts.Account{Issuer: "Steam", Name: "me", Kind: accounts.Steam, Algorithm: accounts.SHA1, Digits: 5, Period: 30, Secret: []byte("steam secret")})
	g, w := newTestGUI(t, &at, accts...)
	fyne.DoAndWait(g.showTransfer)
	step, ok := inOverlay(w, func(l *widget.Label) bool { return strings.HasPrefix(l.Text, "Code ") })
	if !ok || step.Text != "Code 1 of 2" {
		t.Fatalf("slideshow step %q", step.Text)
	}
	if _, ok := inOverlay(w, func(l *widget.Label) bool {
		return strings.Contains(l.Text, "Not included") && strings.Contains(l.Text, "Steam: me")
	}); !ok {
		t.Error("the Steam account is not named as left out")
	}
	next, _ := inOverlay(w, func(b *widget.Button) bool { return b.Text == "Next" })
	fyne.DoAndWait(func() { test.Tap(next) })
	if step.Text != "Code 2 of 2" || !next.Disabled() {
		t.Errorf("after Next: %q, next disabled %v", step.Text, next.Disabled())
	}
}

func TestBackupReminder(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at)
	fyne.DoAndWait(func() { g.noteAdded(3) })
	if w.Canvas().Overlays().Top() != nil {
		t.Fatal("reminded after 3 accounts")
	}
	fyne.DoAndWait(func() { g.noteAdded(2) })
	if _, ok := inOverlay(w, func(b *widget.Button) bool { return b.Text == "Back up now" }); !ok {
		t.Error("no reminder after 5 accounts without a backup")
	}
}
