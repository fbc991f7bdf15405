package ui

import (
	"errors"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/internal/i18n"
)

// mainView is the searchable list of accounts with their codes.
type mainView struct {
	g       *gui
	search  *entry
	list    *codeList
	status  *widget.Label
	listBox *fyne.Container   // the list, or the welcome in its place
	welcome fyne.CanvasObject // in the list's place while the vault is empty
	content fyne.CanvasObject
	stopCh  chan struct{}
	// watchStop ends the watch of the vault file (watchVault).
	watchStop chan struct{}
	toastAt   time.Time
	// clipChecks counts the clipboard clears that have run (whether or
	// not they found the copied text still there), for tests to wait on.
	clipChecks atomic.Int64

	// The plugged-in keys (yubikey.go).
	broker   *hardware.Broker
	keys     []*keySection
	stopKeys func()
	synced   time.Time // the vault's LastSync the list shows
}

func newMainView(g *gui) *mainView {
	m := &mainView{g: g, stopCh: make(chan struct{})}
	m.search = m.g.newEntry()
	m.search.SetPlaceHolder(i18n.T("Search issuer or name (Ctrl+F)"))
	m.search.OnChanged = func(string) { m.refilter() }
	// Escape in the search clears it, then goes back to the list.
	m.search.onEscape = func() bool {
		if m.search.Text != "" {
			m.search.SetText("")
		} else {
			m.focusList()
		}
		return true
	}
	m.list = newCodeList(nil, g.now)
	if g.settings.compact {
		m.list.setCompact(true)
	}
	m.list.hide = g.settings.hideCodes
	m.list.onCopy = m.copy
	m.list.onNext = m.next
	m.list.onDetails = m.details
	m.list.onKeyCopy = m.copyFromKey
	m.list.onKeyDetails = m.keyDetails
	m.list.onKeyMenu = func(sec *keySection) {
		if errors.Is(sec.err, hardware.ErrPasswordNeeded) {
			m.unlockKey(sec)
			return
		}
		m.keyMenu(sec)
	}
	m.list.onSecond = m.keyTick
	m.status = widget.NewLabel("")
	m.status.Truncation = fyne.TextTruncateEllipsis

	addButton := widget.NewButtonWithIcon(i18n.T("Add"), theme.ContentAddIcon(), func() { m.showAddMenu() })
	addButton.Importance = widget.HighImportance
	lockButton := newIconButton(theme.VisibilityOffIcon(), i18n.T("Lock (Ctrl+L)"), g.lock)
	settingsButton := newIconButton(theme.SettingsIcon(), i18n.T("Settings (Ctrl+,)"), g.showSettings)
	top := container.NewBorder(nil, nil, addButton, container.NewHBox(lockButton, settingsButton), m.search)
	m.welcome = m.newWelcome()
	m.listBox = container.NewStack(m.list.widget, m.welcome)
	m.content = container.NewBorder(container.NewPadded(top), m.status, nil, nil, m.listBox)
	m.refilter()
	go m.list.tick(m.stopCh, func() bool { return g.hidden || minimized(g.win) })
	m.watchKeys()
	m.watchVault()
	return m
}

// watchVault shows what another Twofold, the command line or a sync tool
// writes to the vault file: the window holds no lock, so they may.
func (m *mainView) watchVault() {
	v := m.g.vault
	if v == nil {
		return // none yet: createVault calls this again
	}
	if m.watchStop != nil {
		close(m.watchStop) // the vault moved: watch its new place
	}
	m.watchStop = make(chan struct{})
	err := accounts.Watch(v.Path(), m.watchStop, func() { do(func() { m.reload(v) }) })
	if err != nil {
		m.showError(err)
	}
}

// reload merges the vault file into the open vault and shows the result.
func (m *mainView) reload(v *accounts.Vault) {
	if m.g.vault != v {
		return // locked or replaced meanwhile
	}
	_, err := v.Reload()
	switch {
	case errors.Is(err, accounts.ErrKeyChanged) && m.g.canLock():
		// Its password changed elsewhere: the key here writes no more.
		m.g.relock()
		showInformation(i18n.T("The vault's password has changed"), i18n.T("It was changed on another computer or by the command line. Unlock the vault with the new password."), m.g.win)
		return
	case err != nil:
		m.showError(err)
		return
	}
	// Save merges too: a write of ours may have brought others' changes.
	if s := v.LastSync(); !s.At.Equal(m.synced) {
		m.synced = s.At
		m.refilter()
		if len(s.From) > 0 {
			m.toast(i18n.Tf("Merged %s.", s.Summary()))
		}
	}
}

// setCompact shows one-line or two-line rows.
func (m *mainView) setCompact(compact bool) {
	m.listBox.Objects[0] = m.list.setCompact(compact)
	m.listBox.Refresh()
	m.refilter()
}

func (m *mainView) stop() {
	select {
	case <-m.stopCh:
	default:
		close(m.stopCh)
		if m.watchStop != nil {
			close(m.watchStop)
		}
		m.stopKeys()
	}
}

func (m *mainView) focusList() { m.g.win.Canvas().Focus(m.list.widget) }

// accounts is the vault's accounts, or none before the vault exists.
func (m *mainView) accounts() []*accounts.Account {
	if m.g.vault == nil {
		return nil
	}
	return m.g.vault.Accounts
}

// refilter shows the accounts matching the search, pinned first, then in
// the chosen order; then the plugged-in keys' accounts the same way.
func (m *mainView) refilter() {
	var shown []*accounts.Account
	query := strings.TrimSpace(m.search.Text)
	for _, a := range m.accounts() {
		if a.Matches(query) {
			shown = append(shown, a)
		}
	}
	accounts.Sort(shown, m.g.settings.order)
	m.list.set(shown, m.keyItems(query))
	m.g.refreshTray() // pins or accounts may have changed
	if len(m.accounts()) == 0 && len(m.keys) == 0 {
		m.welcome.Show()
		m.list.widget.Hide()
	} else {
		m.welcome.Hide()
		m.list.widget.Show()
	}
}

// newWelcome is what an empty vault shows: what Twofold is, and the ways
// to add the first account.
func (m *mainView) newWelcome() fyne.CanvasObject {
	g := m.g
	title := widget.NewLabelWithStyle(i18n.T("Welcome to Twofold"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	title.SizeName = theme.SizeNameHeadingText
	// Lines broken by hand: a wrapped label in a box reports the height
	// of one line, and the buttons would cover the rest.
	about := widget.NewLabelWithStyle(i18n.T("Twofold makes the sign-in codes of your\ntwo-factor accounts. Their secrets stay on\nthis computer, encrypted under a key that\nyour system keeps. Add your first account:"),
		fyne.TextAlignCenter, fyne.TextStyle{})
	b := func(label string, icon fyne.Resource, f func()) *widget.Button {
		return widget.NewButtonWithIcon(label, icon, f)
	}
	scan := b(i18n.T("Scan a QR code image…"), theme.FileImageIcon(), g.addFromFile)
	scan.Importance = widget.HighImportance
	buttons := container.NewVBox(
		scan,
		b(i18n.T("Paste a QR image or link"), theme.ContentPasteIcon(), g.paste),
		b(i18n.T("Scan the screen"), theme.ComputerIcon(), g.addFromScreen),
		b(i18n.T("Type the key a site shows…"), theme.DocumentCreateIcon(), g.addManual),
		b(i18n.T("Import a backup or another app's export…"), theme.DownloadIcon(), g.showImport),
	)
	hint := widget.NewLabelWithStyle(i18n.T("You can also drop image files on this window."), fyne.TextAlignCenter, fyne.TextStyle{Italic: true})
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(360, 430),
		container.NewVBox(title, about, buttons, hint)))
}

// move shifts the highlighted account up (-1) or down (+1) in manual
// order and saves the new order.
func (m *mainView) move(delta int) {
	if m.g.settings.order != accounts.ByManual {
		m.toast(i18n.T("Choose View > Manual order to arrange the accounts yourself."))
		return
	}
	if it, ok := m.list.currentItem(); ok && it.on != nil {
		m.moveOnKey(it.on, delta)
		return
	}
	a := m.list.current()
	if a == nil || m.g.vault == nil {
		return
	}
	before := slices.Clone(m.g.vault.Accounts)
	if !accounts.Move(m.g.vault.Accounts, m.list.accts, a, delta) {
		return
	}
	if err := m.g.vault.Save(); err != nil {
		copy(m.g.vault.Accounts, before)
		m.showError(err)
		return
	}
	m.refilter()
	m.list.highlight(a)
}

// setOrder changes how the list is sorted and remembers it.
func (m *mainView) setOrder(by accounts.Order) {
	m.g.settings.order = by
	m.g.settings.save(m.g.app.Preferences())
	m.refilter()
}

// toast shows a short message in the status bar for a few seconds.
func (m *mainView) toast(msg string) {
	m.status.SetText(msg)
	at := time.Now()
	m.toastAt = at
	time.AfterFunc(4*time.Second, func() {
		do(func() {
			if m.toastAt == at {
				m.status.SetText("")
			}
		})
	})
}

// copy puts a code on the clipboard and clears it after the chosen delay,
// if it still holds that code.
func (m *mainView) copy(a *accounts.Account) {
	code, err := a.Code(m.g.now())
	if err != nil {
		m.showError(err)
		return
	}
	m.copyCode(a.Label(), code)
}

// copyCode puts the code of the account called label on the clipboard.
func (m *mainView) copyCode(label, code string) {
	m.copySecret(code, i18n.Tf("Copied the code for %s", label))
}

// copySecret puts a code or recovery code on the clipboard and clears it
// after the delay the user chose, if it still holds it; said is the
// toast's first words.
func (m *mainView) copySecret(text, said string) {
	m.g.touch()
	clip := m.g.app.Clipboard()
	clip.SetContent(text)
	delay := m.g.settings.clipDelay
	if delay <= 0 {
		m.toast(said + ".")
		return
	}
	m.toast(i18n.Tf("%s; the clipboard clears in %s.", said, delay.String()))
	time.AfterFunc(delay, func() {
		do(func() {
			if clip.Content() == text {
				clip.SetContent("")
			}
			m.clipChecks.Add(1)
		})
	})
}

// next advances an HOTP counter and saves it.
func (m *mainView) next(a *accounts.Account) {
	m.g.touch()
	if _, err := a.Next(); err != nil {
		m.showError(err)
		return
	}
	if err := m.g.vault.Save(); err != nil {
		a.Counter--
		m.showError(err)
		return
	}
	m.list.widget.Refresh()
}

// fit is a dialog size of at most w×h that stays inside the window, so
// a dialog never spills over its edges when the window is small.
func (g *gui) fit(w, h float32) fyne.Size {
	c := g.win.Canvas().Size()
	const margin = 16
	return fyne.NewSize(min(w, c.Width-margin), min(h, c.Height-margin))
}

func (m *mainView) showError(err error) {
	showErrorDialog(errorSentence{err}, m.g.win)
}

// errorSentence makes a dialog show our wording of an error.
type errorSentence struct{ err error }

func (e errorSentence) Error() string { return sentence(e.err) }

// iconButton is an icon-only button that tells screen readers (Fyne
// 2.8: macOS and Windows) what it does, not the icon's file name.
type iconButton struct {
	widget.Button
	label string
}

func newIconButton(icon fyne.Resource, label string, tapped func()) *iconButton {
	b := &iconButton{label: label}
	b.Icon, b.OnTapped, b.Importance = icon, tapped, widget.LowImportance
	b.ExtendBaseWidget(b)
	return b
}

func (b *iconButton) AccessibilityLabel() string { return b.label }
