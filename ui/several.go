package ui

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/internal/i18n"
)

// Using one vault on several computers: it lives in a folder that a sync
// tool (Syncthing, Nextcloud, Dropbox…) shares; each computer keeps the
// key in its own keyring, and a password lets a new computer in.

// prefAskPassword, with the vault's ID, is whether this computer asks
// for the password at start although its keyring could open the vault.
const prefAskPassword = "askPassword."

// askAtStart: a vault with a password asks for it when Twofold starts,
// unless this computer's keyring opens it and the user chose not to be
// asked here (moving the vault to a synced folder, or opening a synced
// one, makes that choice).
func (g *gui) askAtStart(id string) bool {
	return g.app.Preferences().BoolWithFallback(prefAskPassword+id, true)
}

// severalSection is Settings' "Several computers": who uses the vault,
// the last merge, and the ways to move the vault into a synced folder or
// to use one from there; and, apart (a check box takes the whole width),
// whether to ask for the password at start.
func (g *gui) severalSection(refresh func()) (fyne.CanvasObject, *widget.Check) {
	about := widget.NewLabel(g.severalStatus())
	about.Wrapping = fyne.TextWrapWord
	move := widget.NewButtonWithIcon(i18n.T("Move to a synced folder…"), theme.FolderOpenIcon(), func() { g.chooseSyncFolder(refresh) })
	use := widget.NewButtonWithIcon(i18n.T("Use a vault from a synced folder…"), theme.FileIcon(), g.chooseSyncedVault)
	ask := widget.NewCheck(i18n.T("Ask for the password when Twofold starts"), nil)
	if g.vault == nil {
		move.Disable()
		ask.Hide()
	} else {
		id := g.vault.ID()
		ask.SetChecked(g.askAtStart(id))
		ask.OnChanged = func(on bool) { g.app.Preferences().SetBool(prefAskPassword+id, on) }
		slots := g.vault.Slots()
		if !slices.Contains(slots, accounts.SlotPassword) || !slices.Contains(slots, accounts.SlotKeyring) {
			ask.Hide() // only the password opens it, or there is none
		}
	}
	return container.NewVBox(about, move, use), ask
}

// severalStatus is one or two sentences on who uses the vault.
func (g *gui) severalStatus() string {
	if g.vault == nil {
		return i18n.T("No vault yet: it is created with your first account.")
	}
	computers := g.vault.Computers()
	if !slices.ContainsFunc(computers, func(c accounts.Computer) bool { return !c.This }) {
		return i18n.T("Only this computer uses this vault. Put it in a folder that Syncthing, Nextcloud or Dropbox syncs to use it on your other computers too.")
	}
	var names []string
	for _, c := range computers {
		if c.This {
			c.Name = i18n.Tf("%s (this one)", c.Name)
		}
		names = append(names, c.Name)
	}
	s := i18n.Tf("Used on these computers: %s.", strings.Join(names, ", "))
	if r := g.vault.LastSync(); !r.At.IsZero() {
		s += " " + i18n.Tf("Last merge: %s, at %s.", r.Summary(), r.At.Local().Format("2006-01-02 15:04"))
	}
	return s
}

// chooseSyncFolder asks for a password first if only this computer's
// keyring opens the vault, then for the folder, then moves the vault.
func (g *gui) chooseSyncFolder(refresh func()) {
	if !g.vault.Portable() {
		showConfirm(i18n.T("A password first"), i18n.T("Your other computers open the vault with a password the first time (this one keeps opening it with its keyring). Set one now?"), func(ok bool) {
			if ok {
				g.setPassword(func() {
					g.app.Preferences().SetBool(prefAskPassword+g.vault.ID(), false)
					refresh()
					if g.vault.Portable() {
						g.chooseSyncFolder(refresh)
					}
				})
			}
		}, g.win)
		return
	}
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		showConfirm(i18n.T("Move the vault?"), i18n.Tf("Move the vault into %s? Twofold uses it there from now on, and your other computers can use it from their copy of the folder.", dir.Path()), func(ok bool) {
			if !ok {
				return
			}
			if err := g.moveVault(dir.Path()); err != nil {
				showErrorDialog(err, g.win)
				return
			}
			refresh()
			showInformation(i18n.T("Vault moved"), i18n.Tf("The vault is now %s. On your other computers: Settings → Use a vault from a synced folder, and its password once.", g.path), g.win)
		}, g.win)
	}, g.win)
	d.Resize(g.fit(640, 480))
	d.Show()
}

// moveVault moves the open vault into dir and watches it there.
func (g *gui) moveVault(dir string) error {
	if err := g.vault.MoveTo(dir); err != nil {
		return err
	}
	g.path = g.vault.Path()
	g.app.Preferences().SetBool(prefAskPassword+g.vault.ID(), false)
	g.main.watchVault()
	return nil
}

// chooseSyncedVault picks a vault file (say, one another computer put in
// a synced folder) and opens it instead of this one.
func (g *gui) chooseSyncedVault() {
	d := dialog.NewFileOpen(func(f fyne.URIReadCloser, err error) {
		if err != nil || f == nil {
			return
		}
		path := f.URI().Path()
		f.Close()
		if err := g.useVault(path); err != nil {
			showErrorDialog(err, g.win)
		}
	}, g.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".twofold"}))
	d.Resize(g.fit(640, 480))
	d.Show()
}

// useVault makes this computer use the vault at path from now on, and
// opens it (asking for its password if this computer has no key for it).
func (g *gui) useVault(path string) error {
	info, err := accounts.Inspect(path)
	if err != nil {
		return err
	}
	if info.Err != nil {
		return info.Err
	}
	if err := accounts.UseVault(path); err != nil {
		return err
	}
	// Opened once with the password, it is kept in this computer's keyring.
	g.app.Preferences().SetBool(prefAskPassword+info.ID, false)
	if g.main != nil {
		g.main.stop()
	}
	if g.vault != nil {
		g.vault.Close()
		g.vault = nil
	}
	g.path = info.Path
	g.start()
	return nil
}

// keepKeyHere: a vault that other computers use, opened here with its
// password (or a YubiKey), gets a keyring slot of this computer's, so
// that it opens without asking from now on. A failure only means asking
// again next time.
func (g *gui) keepKeyHere(v *accounts.Vault) {
	if !v.UsedElsewhere() || slices.Contains(v.Slots(), accounts.SlotKeyring) || g.askAtStart(v.ID()) {
		return
	}
	if err := v.AddSlot(accounts.SlotKeyring, accounts.KeyringSlot{}); err != nil {
		return
	}
	if err := v.Save(); err != nil {
		v.RemoveSlot(accounts.SlotKeyring)
	}
}
