package ui

import (
	"errors"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/internal/autostart"
	"twofold/internal/i18n"
	"twofold/internal/testenv"
)

// TestPasswordChangeForgetsCopies: changing the password in the app
// gives the vault a new key (the old password opens nothing current),
// then offers to delete the earlier copies, which still open with it.
func TestPasswordChangeForgetsCopies(t *testing.T) {
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	if g.vault.KeptGenerations() == 0 {
		t.Fatal("the test vault has no earlier copy")
	}
	fyne.DoAndWait(func() { g.setPassword(func() {}) })
	form := w.Canvas().Overlays().Top()
	fyne.DoAndWait(func() {
		var pw []*entry
		for _, e := range dialogEntries(form) {
			if e.Password {
				pw = append(pw, e)
			}
		}
		if len(pw) != 2 {
			t.Fatalf("%d password fields", len(pw))
		}
		test.Type(pw[0], "a new password")
		test.Type(pw[1], "a new password")
		test.Tap(button(t, form, "Set"))
	})
	// The change is saved at once; the offer follows.
	offer := w.Canvas().Overlays().Top()
	if offer == nil || offer == form {
		t.Fatal("no offer to delete the earlier copies")
	}
	button(t, offer, "Delete")
	if path := os.Getenv("TWOFOLD_SHOT"); path != "" { // to look at the dialog
		f, _ := os.Create(path)
		png.Encode(f, w.Canvas().Capture())
		f.Close()
	}
	if _, err := accounts.Read(g.vault.Path(), &accounts.PasswordSlot{Password: []byte("right")}); !errors.Is(err, accounts.ErrWrongPassword) {
		t.Errorf("the old password on the current vault: %v", err)
	}
	if _, err := accounts.Read(g.vault.Generations()[0], &accounts.PasswordSlot{Password: []byte("right")}); err != nil {
		t.Errorf("the kept copy with the old password: %v", err)
	}
	fyne.DoAndWait(func() { test.Tap(button(t, offer, "Delete")) })
	if n := g.vault.KeptGenerations(); n != 0 {
		t.Errorf("%d earlier copies left", n)
	}
	if _, err := accounts.Read(g.vault.Path(), &accounts.PasswordSlot{Password: []byte("a new password")}); err != nil {
		t.Errorf("the new password: %v", err)
	}
}

// TestTraySettings: the tray's settings are kept; where no tray host
// runs, Settings says closing still quits; "Start Twofold when I log in"
// writes the log-in entry, starting in the tray when Twofold keeps
// running there, and removes it again.
func TestTraySettings(t *testing.T) {
	testenv.PrivateSessionBus(t) // no tray host on it
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	fyne.DoAndWait(g.showSettings)
	dlg := w.Canvas().Overlays().Top()
	check := func(label string) *widget.Check {
		return find(t, dlg, func(c *widget.Check) bool { return c.Text == label })
	}
	fyne.DoAndWait(func() { test.Tap(check("Show pinned codes in the tray")) })
	if !g.settings.tray || !g.app.Preferences().Bool(prefTray) {
		t.Error("the tray setting was not kept")
	}
	fyne.DoAndWait(func() {
		if labels(dlg)["No system tray was found on this desktop, so closing the window still quits."] == nil {
			t.Errorf("no word about the missing tray among %s", keys(labels(dlg)))
		}
	})
	entry := filepath.Join(config, "autostart", autostart.Name+".desktop")
	fyne.DoAndWait(func() { test.Tap(check("Start Twofold when I log in")) })
	b, err := os.ReadFile(entry)
	if err != nil {
		t.Fatalf("no log-in entry: %v", err)
	}
	if !strings.Contains(string(b), "--in-tray") {
		t.Errorf("the log-in entry does not start in the tray:\n%s", b)
	}
	fyne.DoAndWait(func() { test.Tap(check("Keep running in the tray when closed")) })
	if b, _ := os.ReadFile(entry); strings.Contains(string(b), "--in-tray") {
		t.Errorf("Twofold no longer keeps running in the tray, and the log-in entry still starts it there:\n%s", b)
	}
	fyne.DoAndWait(func() { test.Tap(check("Start Twofold when I log in")) })
	if _, err := os.Stat(entry); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the log-in entry stays after unticking: %v", err)
	}
}

// TestLanguage: choosing French in Settings relabels the open window at
// once (welcome, menus, plurals, Yes/No of confirmations) and is kept;
// choosing English brings it back.
func TestLanguage(t *testing.T) {
	t.Setenv("LANGUAGE", "") // applyLanguage sets it for Fyne's own words
	t.Cleanup(func() { i18n.Set("en") })
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at)
	choose := func(name string) {
		t.Helper()
		fyne.DoAndWait(func() { g.showSettings() })
		dlg := w.Canvas().Overlays().Top()
		fyne.DoAndWait(func() {
			sel := find(t, dlg, func(s *widget.Select) bool { return slices.Contains(s.Options, "Français") })
			sel.SetSelected(name)
			g.escape() // closes Settings as its Close button does
		})
		if w.Canvas().Overlays().Top() != nil {
			t.Fatal("Settings did not close")
		}
	}
	menu := func() []string {
		var out []string
		for _, m := range w.MainMenu().Items {
			out = append(out, m.Label)
		}
		return out
	}
	welcome := func() string {
		var s string
		fyne.DoAndWait(func() { s = keys(labels(w.Content())) })
		return s
	}

	choose("Français")
	if !strings.Contains(welcome(), "Bienvenue dans Twofold") {
		t.Errorf("after choosing French the window says %s", welcome())
	}
	if got := menu(); !slices.Contains(got, "Affichage") || !slices.Contains(got, "Aide") {
		t.Errorf("French menus: %q", got)
	}
	if got, want := addedTitle(2, 1), "2 comptes ajoutés ; 1 y était déjà"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
	if g.app.Preferences().String(prefLanguage) != "fr" {
		t.Errorf("the choice is not kept: %q", g.app.Preferences().String(prefLanguage))
	}
	fyne.DoAndWait(func() { showConfirm("?", "?", func(bool) {}, w) })
	fyne.DoAndWait(func() {
		button(t, w.Canvas().Overlays().Top(), "Oui")
		g.escape() // finds "Non", the dismiss button in French
	})
	if w.Canvas().Overlays().Top() != nil {
		t.Error("Escape did not close a French confirmation")
	}

	choose("English")
	if !strings.Contains(welcome(), "Welcome to Twofold") {
		t.Errorf("back in English the window says %s", welcome())
	}
}
