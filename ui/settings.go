package ui

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/clockcheck"
	"twofold/internal/autostart"
	"twofold/internal/trayhost"
)

// Preference keys. Fyne's Preferences is a plain JSON file: settings
// only, never a secret.
const (
	prefClipDelay = "clipboardClearSeconds"
	prefLockAfter = "lockAfterMinutes"
	prefHideCodes = "hideCodes"
	prefTheme     = "theme"
	prefNTP       = "clockCheck"
	prefNTPServer = "clockCheckServer"
	prefCorrect   = "correctTime"
	prefCompact   = "compactRows"
	prefWidth     = "windowWidth"
	prefHeight    = "windowHeight"
	prefOrder     = "sortOrder"
	prefTray      = "systemTray"
	prefTrayKeep  = "keepRunningInTray"
)

// settings are the user's choices, read from Fyne's preferences.
type settings struct {
	clipDelay time.Duration // 0: never clear
	lockAfter time.Duration // 0: never lock when idle
	hideCodes bool
	theme     string // "system", "light", "dark"
	ntp       bool
	ntpServer string
	// correct: codes use the time server's time while the clock is off.
	correct bool
	compact bool // one-line rows
	order   accounts.Order
	// tray: the tray icon with pinned codes; trayKeep: closing the
	// window hides it there instead of quitting.
	tray, trayKeep bool
}

func loadSettings(p fyne.Preferences) settings {
	s := settings{
		clipDelay: time.Duration(p.IntWithFallback(prefClipDelay, 30)) * time.Second,
		lockAfter: time.Duration(p.IntWithFallback(prefLockAfter, 5)) * time.Minute,
		hideCodes: p.Bool(prefHideCodes),
		theme:     p.StringWithFallback(prefTheme, "system"),
		ntp:       p.BoolWithFallback(prefNTP, true),
		ntpServer: p.StringWithFallback(prefNTPServer, clockcheck.DefaultServer),
		correct:   p.Bool(prefCorrect),
		compact:   p.Bool(prefCompact),
		order:     accounts.Order(p.StringWithFallback(prefOrder, string(accounts.ByIssuer))),
		tray:      p.Bool(prefTray),
		trayKeep:  p.BoolWithFallback(prefTrayKeep, true),
	}
	// TWOFOLD_NTP_SERVER overrides the server (tests, closed networks).
	if env := os.Getenv("TWOFOLD_NTP_SERVER"); env != "" {
		s.ntpServer = env
	}
	return s
}

func (s settings) save(p fyne.Preferences) {
	p.SetInt(prefClipDelay, int(s.clipDelay/time.Second))
	p.SetInt(prefLockAfter, int(s.lockAfter/time.Minute))
	p.SetBool(prefHideCodes, s.hideCodes)
	p.SetString(prefTheme, s.theme)
	p.SetBool(prefNTP, s.ntp)
	p.SetString(prefNTPServer, s.ntpServer)
	p.SetBool(prefCorrect, s.correct)
	p.SetBool(prefCompact, s.compact)
	p.SetString(prefOrder, string(s.order))
	p.SetBool(prefTray, s.tray)
	p.SetBool(prefTrayKeep, s.trayKeep)
}

func applyTheme(a fyne.App, name string) {
	t := appTheme{Theme: theme.DefaultTheme()} // follows the system
	switch name {
	case "light":
		t.held, t.variant = true, theme.VariantLight
	case "dark":
		t.held, t.variant = true, theme.VariantDark
	}
	a.Settings().SetTheme(t)
}

var (
	clipChoices = []string{"10 seconds", "30 seconds", "1 minute", "2 minutes", "Never"}
	clipValues  = []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 0}
	lockChoices = []string{"1 minute", "5 minutes", "15 minutes", "1 hour", "Never"}
	lockValues  = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 0}
	themeNames  = []string{"system", "light", "dark"}
	themeLabels = []string{"Follow the system", "Light", "Dark"}
)

func indexOf[T comparable](list []T, v T, def int) int {
	for i, x := range list {
		if x == v {
			return i
		}
	}
	return def
}

// showSettings is the settings dialog; changes apply at once.
func (g *gui) showSettings() {
	s := g.settings
	p := g.app.Preferences()
	apply := func() {
		g.settings = s
		s.save(p)
		applyTheme(g.app, s.theme)
		if g.main != nil {
			g.main.list.hide = s.hideCodes
			if s.compact != g.main.list.compact {
				g.main.setCompact(s.compact)
			}
			g.main.list.widget.Refresh()
		}
		g.touch()
	}
	clip := widget.NewSelect(clipChoices, func(string) {})
	clip.SetSelectedIndex(indexOf(clipValues, s.clipDelay, 1))
	clip.OnChanged = func(string) { s.clipDelay = clipValues[clip.SelectedIndex()]; apply() }
	lock := widget.NewSelect(lockChoices, func(string) {})
	lock.SetSelectedIndex(indexOf(lockValues, s.lockAfter, 1))
	lock.OnChanged = func(string) { s.lockAfter = lockValues[lock.SelectedIndex()]; apply() }
	hide := widget.NewCheck("Hide codes until clicked", func(b bool) { s.hideCodes = b; apply() })
	hide.SetChecked(s.hideCodes)
	compact := widget.NewCheck("Compact rows (one line each)", func(b bool) { s.compact = b; apply() })
	compact.SetChecked(s.compact)
	th := widget.NewSelect(themeLabels, func(string) {})
	th.SetSelectedIndex(indexOf(themeNames, s.theme, 0))
	th.OnChanged = func(string) { s.theme = themeNames[th.SelectedIndex()]; apply() }
	ntpOn := widget.NewCheck("Check the clock online", func(b bool) { s.ntp = b; apply() })
	ntpOn.SetChecked(s.ntp)
	server := g.newEntry()
	server.SetText(s.ntpServer)
	server.OnSubmitted = func(v string) { s.ntpServer = v; apply(); g.checkClock() }
	server.OnChanged = func(v string) { s.ntpServer = v; apply() }

	trayNote := widget.NewLabel("")
	trayNote.Wrapping = fyne.TextWrapWord
	trayNote.Hide()
	note := func(s string) { // shown only when it says something
		trayNote.SetText(s)
		trayNote.Hidden = s == ""
		trayNote.Refresh()
	}
	login := widget.NewCheck("Start Twofold when I log in", nil)
	if on, err := autostart.Enabled(); err == nil {
		login.SetChecked(on)
	}
	login.OnChanged = func(on bool) {
		if err := g.setStartAtLogin(on); err != nil {
			note(sentence(err))
			login.SetChecked(!on)
		}
	}
	trayKeep := widget.NewCheck("Keep running in the tray when closed", func(b bool) {
		s.trayKeep = b
		apply()
		if login.Checked { // the log-in entry starts in the tray or not
			if err := g.setStartAtLogin(true); err != nil {
				note(sentence(err))
			}
		}
	})
	trayKeep.SetChecked(s.trayKeep)
	tray := widget.NewCheck("Show pinned codes in the tray", func(b bool) {
		s.tray = b
		apply()
		switch {
		case b && !trayhost.Present():
			note("No system tray was found on this desktop, so closing the window still quits.")
		case !b && g.trayOn:
			note("The tray icon goes away the next time Twofold starts.")
		default:
			note("")
		}
		if b {
			g.startTray()
			trayKeep.Enable()
		} else {
			trayKeep.Disable()
		}
		if login.Checked {
			if err := g.setStartAtLogin(true); err != nil {
				note(sentence(err))
			}
		}
	})
	tray.SetChecked(s.tray)
	if !s.tray {
		trayKeep.Disable()
	}

	path := widget.NewLabel(g.path)
	path.Wrapping = fyne.TextWrapBreak
	copyPath := widget.NewButtonWithIcon("Copy path", theme.ContentCopyIcon(), func() { g.app.Clipboard().SetContent(g.path) })
	protection := widget.NewLabel(g.protection())
	password := widget.NewButtonWithIcon("Set password…", theme.AccountIcon(), func() {
		g.setPassword(func() { protection.SetText(g.protection()) })
	})
	if g.vault == nil {
		password.Disable()
	}

	form := widget.NewForm(
		widget.NewFormItem("Clear clipboard after", clip),
		widget.NewFormItem("Lock when idle for", lock),
		widget.NewFormItem("", hide),
		widget.NewFormItem("", compact),
		widget.NewFormItem("Theme", th),
		widget.NewFormItem("", ntpOn),
		widget.NewFormItem("Time server", server),
		widget.NewFormItem("", container.NewVBox(tray, trayKeep, login, trayNote)),
		widget.NewFormItem("Vault", container.NewVBox(path, copyPath)),
		widget.NewFormItem("Protection", container.NewVBox(protection, password)),
	)
	// It scrolls: on a small window the form is taller than the window.
	d := dialog.NewCustom("Settings", "Close", container.NewVScroll(form), g.win)
	d.Resize(g.fit(520, 680))
	d.Show()
}

func (g *gui) protection() string {
	if g.vault == nil {
		return "No vault yet: it is created with your first account."
	}
	var parts []string
	for _, s := range g.vault.Slots() {
		switch s {
		case accounts.SlotKeyring:
			parts = append(parts, "the system keyring")
		case accounts.SlotPassword:
			parts = append(parts, "a password")
		default:
			parts = append(parts, s)
		}
	}
	if len(parts) == 2 {
		return "Opens with " + parts[0] + " or " + parts[1] + "."
	}
	return fmt.Sprintf("Opens with %s.", parts[0])
}

// setPassword adds or changes the vault's password slot.
func (g *gui) setPassword(done func()) {
	pw, again := g.newPasswordEntry(), g.newPasswordEntry()
	pw.Validator = accounts.CheckNewPassword
	again.Validator = func(s string) error {
		if s != pw.Text {
			return errors.New("the two passwords differ")
		}
		return nil
	}
	dialog.ShowForm("Vault password", "Set", "Cancel", []*widget.FormItem{
		widget.NewFormItem("New password", pw), widget.NewFormItem("Repeat it", again),
	}, func(ok bool) {
		if !ok || pw.Validate() != nil || again.Validate() != nil {
			return
		}
		changed := slices.Contains(g.vault.Slots(), accounts.SlotPassword)
		if err := g.vault.AddSlot(accounts.SlotPassword, &accounts.PasswordSlot{Password: []byte(pw.Text)}); err != nil {
			g.main.showError(err)
			return
		}
		if err := g.vault.Save(); err != nil {
			g.main.showError(err)
			return
		}
		done()
		if err := g.vault.Forgotten(); err != nil {
			g.main.showError(fmt.Errorf("an old keyring item could not be deleted (the vault no longer uses it): %w", err))
		}
		if n := g.vault.KeptGenerations(); changed && n > 0 {
			g.offerForgetCopies(n)
			return
		}
		g.main.toast("The vault password is set. Twofold will ask for it at start and after locking.")
	}, g.win)
}

// offerForgetCopies follows a password change: the vault has a new key,
// but the earlier copies kept beside it still open with the old password.
func (g *gui) offerForgetCopies(n int) {
	msg := fmt.Sprintf("The password is changed and the vault has a new key. The %d earlier copies kept beside it (for going back after a mistake) still open with the old password.\n\nDelete them?", n)
	if n == 1 {
		msg = "The password is changed and the vault has a new key. The earlier copy kept beside it (for going back after a mistake) still opens with the old password.\n\nDelete it?"
	}
	d := dialog.NewConfirm("Earlier copies", msg, func(ok bool) {
		if !ok {
			g.main.toast("Password changed. The earlier copies are kept.")
			return
		}
		if _, err := g.vault.ForgetGenerations(); err != nil {
			g.main.showError(err)
			return
		}
		g.main.toast("Password changed. The earlier copies are deleted.")
	}, g.win)
	d.SetConfirmText("Delete")
	d.SetDismissText("Keep")
	d.Show()
}

// windowSize is the window's size when it was last closed, or the
// default; within what a screen can show.
func windowSize(p fyne.Preferences) fyne.Size {
	w := float32(p.FloatWithFallback(prefWidth, 480))
	h := float32(p.FloatWithFallback(prefHeight, 640))
	return fyne.NewSize(min(max(w, 320), 4000), min(max(h, 400), 4000))
}

// saveWindowSize keeps the window's size for the next start. (Fyne sets
// no window position, so the window manager places it.)
func saveWindowSize(p fyne.Preferences, s fyne.Size) {
	if s.Width > 0 && s.Height > 0 {
		p.SetFloat(prefWidth, float64(s.Width))
		p.SetFloat(prefHeight, float64(s.Height))
	}
}
