// Package ui is Twofold's Fyne GUI. It is thin: it shows what packages
// accounts and scanner compute and owns no logic of its own. Updates from
// goroutines go through fyne.Do; colours come from the theme.
package ui

import (
	"errors"
	"runtime/debug"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/assets"
	"twofold/internal/i18n"
	"twofold/internal/instance"
	"twofold/internal/trayhost"
)

// AppID is Fyne's application ID (also in FyneApp.toml).
const AppID = "app.twofold.Twofold"

// Run opens the main window on the vault at path ("" = the default) and
// returns the exit status when the window closes.
func Run(path string, inTray bool) int {
	// A second start on the same vault brings the first window forward.
	var sock string
	if p, err := accounts.VaultPath(path); err == nil && p != "" {
		sock = instance.SocketPath(p)
		if instance.Signal(sock) {
			return 0
		}
	}
	// Every update from a goroutine goes through fyne.Do, so Fyne can
	// skip its check of the calling goroutine on each refresh (a stack
	// walk that was a quarter of the idle CPU). FyneApp.toml says the same
	// for builds made with the fyne tool.
	app.SetMetadata(fyne.AppMetadata{ID: AppID, Name: "Twofold", Migrations: map[string]bool{"fyneDo": true}})
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Twofold")
	w.Resize(windowSize(a.Preferences()))
	g := newGUI(a, w, path, time.Now)
	g.start()
	if sock != "" {
		if stop, err := instance.Listen(sock, func() { do(g.showWindow) }); err == nil {
			defer stop()
		}
	}
	w.SetOnClosed(g.close)
	w.SetCloseIntercept(g.closeWindow)
	g.startTray()
	// Start-up (parsing fonts, the vault) leaves garbage the runtime
	// would keep for a while; hand it back once the window is up.
	time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	// In the tray only if it can be brought back from there.
	if inTray && g.trayOn && trayhost.Present() {
		g.hidden = true
		a.Run()
		return 0
	}
	w.ShowAndRun()
	return 0
}

// gui is one window on one vault.
type gui struct {
	app   fyne.App
	win   fyne.Window
	path  string
	now   func() time.Time
	vault *accounts.Vault // nil before the vault exists or while locked

	main     *mainView
	settings settings

	lastActive time.Time   // for the idle lock
	idleTimer  *time.Timer // checks lastActive
	clock      *clockBanner
	// correction is added to the clock's time for codes while the user
	// has chosen the corrected time (nanoseconds; read by g.now).
	correction atomic.Int64

	explicitPath string // --vault as given, for the log-in entry
	trayOn       bool   // the tray icon is up (tray.go)
	traySig      string // what the tray's menu shows, to skip same rebuilds
	hidden       bool   // the window is hidden to the tray
	stopUnlock   func() // ends the lock screen's watch for keys
}

func newGUI(a fyne.App, w fyne.Window, explicitPath string, now func() time.Time) *gui {
	g := &gui{app: a, win: w, settings: loadSettings(a.Preferences()), explicitPath: explicitPath}
	g.now = func() time.Time { return now().Add(time.Duration(g.correction.Load())) }
	g.path, _ = accounts.VaultPath(explicitPath)
	applyLanguage(g.settings.language)
	applyTheme(a, g.settings.theme)
	g.clock = newClockBanner(g)
	if dc, ok := w.Canvas().(desktop.Canvas); ok {
		dc.SetOnKeyDown(func(*fyne.KeyEvent) { g.touch() })
	}
	return g
}

// start opens the vault (or shows why it cannot, or the unlock form).
func (g *gui) start() {
	if g.path == "" {
		g.win.SetContent(message(i18n.T("Twofold cannot find its vault"), i18n.T("The user's config folder is unknown; start Twofold with --vault PATH.")))
		return
	}
	if g.asksToUnlock() {
		g.showUnlock()
		return
	}
	v, err := accounts.Open(g.path, accounts.KeyringSlot{})
	switch {
	case err == nil:
		g.showMain(v)
	case errors.Is(err, accounts.ErrNoVault):
		g.showMain(nil) // created at the first add
	default:
		g.win.SetContent(message(i18n.T("The vault cannot be opened"), sentence(err)))
	}
}

func (g *gui) showMain(v *accounts.Vault) {
	g.vault = v
	g.main = newMainView(g)
	g.win.SetContent(container.NewBorder(g.clock.banner, nil, nil, nil, g.main.content))
	g.win.SetMainMenu(g.menu())
	// Fyne gives the focus to nobody after a dialog closes: arrows and
	// Enter then go back to the list.
	g.win.Canvas().SetOnTypedKey(func(e *fyne.KeyEvent) {
		switch e.Name {
		case fyne.KeyEscape:
			g.escape()
		case fyne.KeyUp, fyne.KeyDown, fyne.KeyReturn, fyne.KeyEnter:
			// Not behind a dialog: Enter would copy a code the user
			// cannot see, and a dialog's default button may destroy.
			if g.main != nil && g.vault != nil && g.win.Canvas().Overlays().Top() == nil {
				g.main.focusList()
				g.main.list.widget.TypedKey(e)
			}
		}
	})
	g.main.focusList()
	g.touch()
	g.checkClock()
}

// touch records user activity, restarting the idle lock's wait.
func (g *gui) touch() {
	g.lastActive = time.Now()
	if g.idleTimer == nil && g.settings.lockAfter > 0 {
		g.idleTimer = time.AfterFunc(g.settings.lockAfter, g.idleCheck)
	}
}

// idleCheck locks the app once it has been idle for the chosen time.
func (g *gui) idleCheck() {
	do(func() {
		g.idleTimer = nil
		after := g.settings.lockAfter
		if after <= 0 || g.vault == nil {
			return
		}
		if idle := time.Since(g.lastActive); idle < after {
			g.idleTimer = time.AfterFunc(after-idle, g.idleCheck)
			return
		}
		if g.canLock() {
			g.lock()
		}
	})
}

func (g *gui) showUnlock() {
	g.win.SetMainMenu(nil)
	form, focus, stop := unlockForm(g.path, func(v *accounts.Vault) {
		g.keepKeyHere(v)
		g.showMain(v)
	})
	g.stopUnlock = stop
	g.win.SetContent(form)
	if focus != nil {
		g.win.Canvas().Focus(focus) // type the password straight away
	}
}

// lock closes the vault (its key leaves memory) and shows the unlock form.
// Only a vault with a password or YubiKey slot can be locked: a keyring
// vault would reopen without asking.
func (g *gui) lock() {
	if !g.canLock() {
		g.main.toast(i18n.T("Locking needs a vault password or a YubiKey: add one in Settings."))
		return
	}
	g.relock()
}

// relock closes the vault (its key leaves memory) and shows the unlock
// form.
func (g *gui) relock() {
	g.main.stop()
	g.vault.Close()
	g.vault = nil
	g.showUnlock()
	g.refreshTray() // its codes go with the vault
}

func (g *gui) close() {
	saveWindowSize(g.app.Preferences(), g.win.Canvas().Size())
	if g.stopUnlock != nil {
		g.stopUnlock()
	}
	if g.main != nil {
		g.main.stop()
	}
	if g.vault != nil {
		g.vault.Close()
	}
}

// canLock reports whether the open vault has a password or YubiKey
// slot, the kinds of vault that can be locked.
func (g *gui) canLock() bool {
	return g.vault != nil && slices.ContainsFunc(g.vault.Slots(), func(s string) bool {
		return s == accounts.SlotPassword || s == accounts.SlotYubiKey
	})
}

// asksToUnlock: the vault opens only with something typed. A vault with
// a password asks for it even where this computer's keyring could open
// it (that is what the user chose the password for), unless the user
// said otherwise for this vault on this computer (several.go); a vault
// with YubiKeys and no keyring slot asks for a key's PIN.
func (g *gui) asksToUnlock() bool {
	info, err := accounts.Inspect(g.path) // one read of the header
	if err != nil || info.Err != nil {
		return false
	}
	has := func(slot string) bool { return slices.Contains(info.Slots, slot) }
	if !has(accounts.SlotKeyring) {
		return has(accounts.SlotPassword) || has(accounts.SlotYubiKey)
	}
	return has(accounts.SlotPassword) && g.askAtStart(info.ID)
}

// message is a centred title and one line of explanation.
func message(title, detail string) fyne.CanvasObject {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	d := widget.NewLabelWithStyle(detail, fyne.TextAlignCenter, fyne.TextStyle{})
	d.Wrapping = fyne.TextWrapWord
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(380, 160), container.NewVBox(t, d)))
}

// sentence is an error as the one sentence a dialog shows.
func sentence(err error) string {
	switch {
	case errors.Is(err, accounts.ErrDamaged):
		return i18n.T("The vault file is damaged. Earlier copies of it are kept; 'twofold vault info' lists them.")
	case errors.Is(err, accounts.ErrKeyringUnavailable):
		return i18n.T("The system keyring is not reachable, and the vault's key is kept there. Start or unlock the keyring and try again.")
	case errors.As(err, new(*accounts.OtherComputersError)):
		var oc *accounts.OtherComputersError
		errors.As(err, &oc)
		return i18n.Tf("This vault opens only with the keyring of %s. There, give it a password in Settings, then open it here once with that password.", strings.Join(oc.Hosts, ", "))
	case errors.Is(err, accounts.ErrKeyMissing):
		return i18n.T("The system keyring holds no key for this vault.")
	case errors.Is(err, accounts.ErrNewerVersion):
		return i18n.T("This vault was written by a newer Twofold. Update Twofold to open it.")
	}
	r := []rune(err.Error())
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r) + "."
}
