package ui

import (
	"os"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/clockcheck"
	"twofold/internal/autostart"
	"twofold/internal/i18n"
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
	prefLanguage  = "language"
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
	language       string // "en", "fr"; "" follows the system
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
		language:  p.String(prefLanguage),
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
	p.SetString(prefLanguage, s.language)
}

// wantLanguage is the language the setting asks for ("" the system's).
func wantLanguage(setting string) string {
	if setting == "" {
		return i18n.System()
	}
	return i18n.Match(setting)
}

// applyLanguage makes the chosen language Twofold's, and Fyne's for its
// own dialogs where Fyne reads it from the environment (Linux and the
// BSDs: LANGUAGE); on Windows and macOS those follow the system.
func applyLanguage(setting string) {
	i18n.Set(setting)
	if setting == "" {
		return
	}
	os.Setenv("LANGUAGE", i18n.Current())
	// Adding translations makes Fyne read the language list again.
	if err := lang.AddTranslationsFS(i18n.Files, i18n.FilesDir); err != nil {
		fyne.LogError("Twofold's translations", err)
	}
}

// relabel shows the window in the language now chosen: the main view,
// its menu, the clock banner and the tray are built again, as after an
// unlock.
func (g *gui) relabel() {
	applyLanguage(g.settings.language)
	old := g.clock
	g.clock = newClockBanner(g)
	g.clock.started, g.clock.offset = old.started, old.offset
	if g.main != nil {
		g.main.stop()
		g.showMain(g.vault)
	}
	g.traySig = ""
	g.refreshTray()
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
	clipChoices = []string{i18n.Key("10 seconds"), i18n.Key("30 seconds"), i18n.Key("1 minute"), i18n.Key("2 minutes"), i18n.Key("Never")}
	clipValues  = []time.Duration{10 * time.Second, 30 * time.Second, time.Minute, 2 * time.Minute, 0}
	lockChoices = []string{i18n.Key("1 minute"), i18n.Key("5 minutes"), i18n.Key("15 minutes"), i18n.Key("1 hour"), i18n.Key("Never")}
	lockValues  = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 0}
	themeNames  = []string{"system", "light", "dark"}
	themeLabels = []string{i18n.Key("Follow the system"), i18n.Key("Light"), i18n.Key("Dark")}
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
	clip := widget.NewSelect(i18n.List(clipChoices), func(string) {})
	clip.SetSelectedIndex(indexOf(clipValues, s.clipDelay, 1))
	clip.OnChanged = func(string) { s.clipDelay = clipValues[clip.SelectedIndex()]; apply() }
	lock := widget.NewSelect(i18n.List(lockChoices), func(string) {})
	lock.SetSelectedIndex(indexOf(lockValues, s.lockAfter, 1))
	lock.OnChanged = func(string) { s.lockAfter = lockValues[lock.SelectedIndex()]; apply() }
	hide := widget.NewCheck(i18n.T("Hide codes until clicked"), func(b bool) { s.hideCodes = b; apply() })
	hide.SetChecked(s.hideCodes)
	compact := widget.NewCheck(i18n.T("Compact rows (one line each)"), func(b bool) { s.compact = b; apply() })
	compact.SetChecked(s.compact)
	th := widget.NewSelect(i18n.List(themeLabels), func(string) {})
	th.SetSelectedIndex(indexOf(themeNames, s.theme, 0))
	th.OnChanged = func(string) { s.theme = themeNames[th.SelectedIndex()]; apply() }
	// Languages are named in their own language, so anyone can find theirs.
	langCodes := append([]string{""}, i18n.Languages...)
	langNames := []string{i18n.Tf("System (%s)", i18n.Names[i18n.System()])}
	for _, l := range i18n.Languages {
		langNames = append(langNames, i18n.Names[l])
	}
	language := widget.NewSelect(langNames, func(string) {})
	language.SetSelectedIndex(indexOf(langCodes, s.language, 0))
	language.OnChanged = func(string) { s.language = langCodes[language.SelectedIndex()]; apply() }
	ntpOn := widget.NewCheck(i18n.T("Check the clock online"), func(b bool) { s.ntp = b; apply() })
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
	login := widget.NewCheck(i18n.T("Start Twofold when I log in"), nil)
	if on, err := autostart.Enabled(); err == nil {
		login.SetChecked(on)
	}
	login.OnChanged = func(on bool) {
		if err := g.setStartAtLogin(on); err != nil {
			note(sentence(err))
			login.SetChecked(!on)
		}
	}
	trayKeep := widget.NewCheck(i18n.T("Keep running in the tray when closed"), func(b bool) {
		s.trayKeep = b
		apply()
		if login.Checked { // the log-in entry starts in the tray or not
			if err := g.setStartAtLogin(true); err != nil {
				note(sentence(err))
			}
		}
	})
	trayKeep.SetChecked(s.trayKeep)
	tray := widget.NewCheck(i18n.T("Show pinned codes in the tray"), func(b bool) {
		s.tray = b
		apply()
		switch {
		case b && !trayhost.Present():
			note(i18n.T("No system tray was found on this desktop, so closing the window still quits."))
		case !b && g.trayOn:
			note(i18n.T("The tray icon goes away the next time Twofold starts."))
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
	copyPath := widget.NewButtonWithIcon(i18n.T("Copy path"), theme.ContentCopyIcon(), func() { g.app.Clipboard().SetContent(g.path) })
	protection := widget.NewLabel(g.protection())
	protection.Wrapping = fyne.TextWrapWord
	keys := container.NewVBox()
	var refresh func()
	refresh = func() {
		protection.SetText(g.protection())
		keys.Objects = g.yubikeyRows(refresh)
		keys.Refresh()
	}
	refresh()
	password := widget.NewButtonWithIcon(i18n.T("Set password…"), theme.AccountIcon(), func() {
		g.setPassword(refresh)
	})
	addKey := widget.NewButtonWithIcon(i18n.T("Add a YubiKey…"), theme.ContentAddIcon(), func() { g.addYubiKey(refresh) })
	wayBack := widget.NewLabel(i18n.T("If a YubiKey is lost, a second key or a password is the way back into the vault."))
	wayBack.Wrapping = fyne.TextWrapWord
	wayBack.Importance = widget.LowImportance
	if g.vault == nil {
		password.Disable()
		addKey.Disable()
	}

	several, askPassword := g.severalSection(refresh)
	// Check boxes take the whole width, not the form's second column:
	// their words do not wrap, and French ones are long.
	form := container.NewVBox(
		widget.NewForm(
			widget.NewFormItem(i18n.T("Clear clipboard after"), clip),
			widget.NewFormItem(i18n.T("Lock when idle for"), lock),
			widget.NewFormItem(i18n.T("Theme"), th),
			widget.NewFormItem(i18n.T("Language"), language)),
		hide, compact, widget.NewSeparator(),
		ntpOn, widget.NewForm(widget.NewFormItem(i18n.T("Time server"), server)), widget.NewSeparator(),
		tray, trayKeep, login, trayNote, widget.NewSeparator(),
		widget.NewForm(
			widget.NewFormItem(i18n.T("Vault"), container.NewVBox(path, copyPath)),
			widget.NewFormItem(i18n.T("Protection"), container.NewVBox(protection, keys, password, addKey, wayBack)),
			widget.NewFormItem(i18n.T("Several computers"), several)),
		askPassword,
	)
	// It scrolls: on a small window the form is taller than the window.
	d := dialog.NewCustom(i18n.T("Settings"), i18n.T("Close"), container.NewVScroll(form), g.win)
	d.SetOnClosed(func() {
		if wantLanguage(g.settings.language) != i18n.Current() {
			g.relabel()
		}
	})
	d.Resize(g.fit(520, 680))
	d.Show()
}

func (g *gui) protection() string {
	if g.vault == nil {
		return i18n.T("No vault yet: it is created with your first account.")
	}
	var parts []string
	for _, s := range g.vault.Slots() {
		switch s {
		case accounts.SlotKeyring:
			parts = append(parts, i18n.T("the system keyring"))
		case accounts.SlotPassword:
			parts = append(parts, i18n.T("a password"))
		}
	}
	if n := len(g.vault.YubiKeySlots()); n > 0 {
		parts = append(parts, i18n.Nf("%d YubiKeys", n, n))
	}
	return i18n.Tf("Opens with: %s.", strings.Join(parts, ", "))
}

// setPassword adds or changes the vault's password slot.
func (g *gui) setPassword(done func()) {
	pw, again := g.newPasswordEntry(), g.newPasswordEntry()
	pw.Validator = accounts.CheckNewPassword
	again.Validator = func(s string) error {
		if s != pw.Text {
			return i18n.Error("the two passwords differ")
		}
		return nil
	}
	dialog.ShowForm(i18n.T("Vault password"), i18n.T("Set"), i18n.T("Cancel"), []*widget.FormItem{
		widget.NewFormItem(i18n.T("New password"), pw), widget.NewFormItem(i18n.T("Repeat it"), again),
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
			g.main.showError(i18n.Errorf("an old keyring item could not be deleted (the vault no longer uses it): %w", err))
		}
		if n := g.vault.KeptGenerations(); changed && n > 0 {
			g.offerForgetCopies(n)
			return
		}
		g.main.toast(i18n.T("The vault password is set. Twofold will ask for it at start and after locking."))
	}, g.win)
}

// offerForgetCopies follows a password change: the vault has a new key,
// but the earlier copies kept beside it still open with the old password.
func (g *gui) offerForgetCopies(n int) {
	msg := i18n.Nf("The password is changed and the vault has a new key. The %d earlier copies kept of it (for going back after a mistake) still open with the old password.\n\nDelete them?", n, n)
	d := newConfirm(i18n.T("Earlier copies"), msg, func(ok bool) {
		if !ok {
			g.main.toast(i18n.T("Password changed. The earlier copies are kept."))
			return
		}
		if _, err := g.vault.ForgetGenerations(); err != nil {
			g.main.showError(err)
			return
		}
		g.main.toast(i18n.T("Password changed. The earlier copies are deleted."))
	}, g.win)
	d.SetConfirmText(i18n.T("Delete"))
	d.SetDismissText(i18n.T("Keep"))
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
