package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/internal/buildinfo"
)

// TestWelcome: an empty vault shows a welcome in the list's place, with
// the ways to add a first account as buttons; the first account replaces
// it with the list, and the status line no longer carries a cut-off hint.
func TestWelcome(t *testing.T) {
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at)
	var got map[string]*widget.Label
	fyne.DoAndWait(func() { got = labels(w.Content()) })
	if got["Welcome to Twofold"] == nil {
		t.Fatalf("no welcome among %s", keys(got))
	}
	for _, b := range []string{"Scan a QR code image…", "Paste a QR image or link", "Scan the screen",
		"Type the key a site shows…", "Import a backup or another app's export…"} {
		fyne.DoAndWait(func() { button(t, w.Content(), b) })
	}
	if g.main.status.Text != "" {
		t.Errorf("the status line says %q", g.main.status.Text)
	}
	// A button does what it says: "Type the key" opens the form.
	fyne.DoAndWait(func() { test.Tap(button(t, w.Content(), "Type the key a site shows…")) })
	if top := w.Canvas().Overlays().Top(); top == nil || labels(top)["Enter a key"] == nil {
		t.Fatal("the button did not open the key form")
	}
	fyne.DoAndWait(g.escape)
	fyne.DoAndWait(func() { g.add(&found{accounts: []*accounts.Account{testAccounts()[0]}}) })
	fyne.DoAndWait(func() { got = labels(w.Content()) })
	if g.main.welcome.Visible() || !g.main.list.widget.Visible() {
		t.Error("the welcome stays after the first account")
	}
}

// TestKeyFormKeyboard: one validation message, in plain English, naming
// the character that cannot be in a key, and no ✓ of the entry's own;
// Enter in a field presses Add once the form is complete; Escape closes
// the form and the result dialog.
func TestKeyFormKeyboard(t *testing.T) {
	at := time.Unix(59, 0)
	g, w, form, issuer, secret := openKeyForm(t, &at)
	fyne.DoAndWait(func() {
		test.Type(issuer, "Netim")
		test.Type(secret, "JBSW Y3DP EHPK 3PX1")
	})
	var msgs []string
	fyne.DoAndWait(func() {
		for text, l := range labels(form) {
			if l.Importance == widget.DangerImportance && text != "" {
				msgs = append(msgs, text)
			}
		}
	})
	want := "A secret key has only the letters A to Z and the digits 2 to 7, not “1” (is it the letter I or L?)."
	if len(msgs) != 1 || msgs[0] != want {
		t.Errorf("messages %q, want only %q", msgs, want)
	}
	for _, e := range dialogEntries(form) {
		if e.Validator != nil {
			t.Error("an entry has a validator of its own, which shows a second state")
		}
	}
	// Enter with the key still wrong adds nothing.
	fyne.DoAndWait(func() { secret.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	if len(g.vault.Accounts) != 0 {
		t.Fatal("Enter added an account with a wrong key")
	}
	fyne.DoAndWait(func() {
		secret.SetText("")
		test.Type(secret, "JBSW Y3DP EHPK 3PXP")
	})
	fyne.DoAndWait(func() { secret.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) })
	if len(g.vault.Accounts) != 1 || g.vault.Accounts[0].Issuer != "Netim" {
		t.Fatalf("Enter did not add the account: %d accounts", len(g.vault.Accounts))
	}
	if top := w.Canvas().Overlays().Top(); top == nil || labels(top)["Added 1 account"] == nil {
		t.Fatal("no result dialog")
	}
	// Escape, with nothing focused, closes the result.
	fyne.DoAndWait(func() {
		w.Canvas().(interface{ OnTypedKey() func(*fyne.KeyEvent) }).OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyEscape})
	})
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Error("Escape left the result dialog open")
	}
	// Escape in a field closes the form, as Cancel does.
	fyne.DoAndWait(g.addManual)
	fyne.DoAndWait(func() { dialogEntries(w.Canvas().Overlays().Top())[0].TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape}) })
	if top := w.Canvas().Overlays().Top(); top != nil {
		t.Error("Escape in a field left the form open")
	}
}

// TestAddTitles: the result says what happened. The same account again
// is "Already in the vault", naming it; the same secret under another
// name is added, with a word naming the account it shares it with.
func TestAddTitles(t *testing.T) {
	at := time.Unix(59, 0)
	alice := &accounts.Account{Issuer: "Netim", Name: "alice@x.fr", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: rfc}
	g, w := newTestGUI(t, &at, alice)
	again := *alice
	fyne.DoAndWait(func() { g.add(&found{accounts: []*accounts.Account{&again}}) })
	top := w.Canvas().Overlays().Top()
	if labels(top)["Already in the vault"] == nil || labels(top)["Netim: alice@x.fr is already in the vault; skipped."] == nil {
		t.Errorf("same account: %s", keys(labels(top)))
	}
	fyne.DoAndWait(g.escape)
	bob := *alice
	bob.Name = "bob@x.fr"
	fyne.DoAndWait(func() { g.add(&found{accounts: []*accounts.Account{&bob}}) })
	top = w.Canvas().Overlays().Top()
	got := keys(labels(top))
	if labels(top)["Added 1 account"] == nil || !strings.Contains(got, "Netim: bob@x.fr has the same secret as Netim: alice@x.fr") {
		t.Errorf("same secret, another name: %s", got)
	}
	if len(g.vault.Accounts) != 2 {
		t.Errorf("%d accounts, want 2", len(g.vault.Accounts))
	}
	if got, want := addedTitle(2, 1), "Added 2 accounts; 1 was already there"; got != want {
		t.Errorf("%q, want %q", got, want)
	}
}

// TestCompactRows: one-line rows ("issuer · name", code, time left) show
// more accounts in the same window; the choice is kept, and so is the
// window's size.
func TestCompactRows(t *testing.T) {
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	rowHeight := func() float32 {
		var h float32
		fyne.DoAndWait(func() {
			for r := range g.main.list.bound {
				h = max(h, r.MinSize().Height)
			}
		})
		return h
	}
	tall := rowHeight()
	fyne.DoAndWait(func() {
		g.settings.compact = true
		g.settings.save(g.app.Preferences())
		g.main.setCompact(true)
	})
	waitFor(t, "one-line rows", func() bool { return labels(w.Content())["RFC · totp"] != nil })
	if short := rowHeight(); short <= 0 || short > tall*0.7 {
		t.Errorf("a compact row is %.0f px, a two-line one %.0f", short, tall)
	}
	if !loadSettings(g.app.Preferences()).compact {
		t.Error("the choice is not kept")
	}
	// The window's size is kept at close and used at the next start.
	fyne.DoAndWait(func() { w.Resize(fyne.NewSize(700, 500)) })
	g.close()
	if got := windowSize(g.app.Preferences()); got != fyne.NewSize(700, 500) {
		t.Errorf("the next window is %v, want 700×500", got)
	}
	saveWindowSize(g.app.Preferences(), fyne.NewSize(10, 99999))
	if got := windowSize(g.app.Preferences()); got != fyne.NewSize(320, 4000) {
		t.Errorf("a silly size comes back as %v", got)
	}
}

// TestWebAddress: what GLFW and Fyne make of a browser's dropped image
// address is turned back into the address; a file stays a file.
func TestWebAddress(t *testing.T) {
	for in, want := range map[string]string{
		"https://example.com/img/qr.png": "https://example.com/img/qr.png",
		"http://127.0.0.1:8080/qr.png":   "http://127.0.0.1:8080/qr.png",
		"/home/me/Pictures/qr.png":       "",
	} {
		if got := webAddress(storage.NewFileURI(in)); got != want {
			t.Errorf("%s: %q, want %q", in, got, want)
		}
	}
}

// TestRowLineFollowsTheme: the line under each row (an image, not the
// list's separator) takes the theme's separator colour when the theme
// changes, without any work in the per-second refresh.
func TestRowLineFollowsTheme(t *testing.T) {
	at := time.Unix(59, 0)
	g, _ := newTestGUI(t, &at, testAccounts()...)
	for _, name := range []string{"light", "dark"} {
		fyne.DoAndWait(func() { applyTheme(g.app, name) })
		want := solid(g.app.Settings().Theme().Color(theme.ColorNameSeparator, g.app.Settings().ThemeVariant()))
		waitFor(t, "the rows' lines in the "+name+" theme", func() bool {
			for r := range g.main.list.bound {
				if r.line.Image != want {
					return false
				}
			}
			return len(g.main.list.bound) > 0
		})
	}
}

// TestAbout: the About dialog names the version, the licence and the
// vault's file.
func TestAbout(t *testing.T) {
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at)
	fyne.DoAndWait(g.showAbout)
	var got map[string]*widget.Label
	fyne.DoAndWait(func() { got = labels(w.Canvas().Overlays().Top()) })
	for _, want := range []string{"Version " + buildinfo.Current().String(), "Licence: Apache-2.0", g.path} {
		if got[want] == nil {
			t.Errorf("the About dialog lacks %q among %s", want, keys(got))
		}
	}
}
