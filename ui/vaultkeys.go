package ui

import (
	"errors"
	"os"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/internal/i18n"
)

// The YubiKeys that lock the vault (PIV), in Settings → Protection.

// yubikeyRows are one row per YubiKey slot: the key, and Remove.
func (g *gui) yubikeyRows(changed func()) []fyne.CanvasObject {
	if g.vault == nil {
		return nil
	}
	var rows []fyne.CanvasObject
	for _, ref := range g.vault.YubiKeySlots() {
		label := widget.NewLabel(i18n.Tf("YubiKey %d (PIV slot %02x)", ref.Serial, ref.Slot))
		remove := widget.NewButtonWithIcon(i18n.T("Remove…"), theme.DeleteIcon(), func() { g.removeYubiKey(ref.Serial, changed) })
		remove.Importance = widget.LowImportance
		rows = append(rows, container.NewHBox(label, layout.NewSpacer(), remove))
	}
	return rows
}

// removeYubiKey takes a key's slot off the vault after asking; the last
// way into the vault is never removed.
func (g *gui) removeYubiKey(serial uint32, changed func()) {
	showConfirm(i18n.Tf("Remove YubiKey %d?", serial),
		i18n.T("The vault will no longer open with this key. Its PIV key stays on the YubiKey."), func(ok bool) {
			if !ok {
				return
			}
			err := g.vault.RemoveYubiKey(serial)
			if errors.Is(err, accounts.ErrLastSlot) {
				err = i18n.Errorf("YubiKey %d is the only way to open the vault, so it stays; add another first (e.g. 'twofold vault protect --password')", serial)
			}
			if err == nil {
				err = g.vault.Save()
			}
			if err != nil {
				showErrorDialog(errors.New(sentence(err)), g.win)
				return
			}
			changed()
		}, g.win)
}

// addYubiKey makes this vault's key on the plugged-in YubiKey (after its
// PIN) and adds the key's slot. The card works off the UI goroutine.
func (g *gui) addYubiKey(changed func()) {
	pin := g.newPasswordEntry()
	pin.SetPlaceHolder(i18n.T("The YubiKey's PIN"))
	touch := widget.NewCheck(i18n.T("Touch the key each time it opens the vault"), nil)
	note := newWrapLabel(i18n.T("Plug in the YubiKey. Twofold makes a key for this vault in a free retired PIV slot (82 to 95) and never touches another application's keys."))
	problem := widget.NewLabel("")
	problem.Wrapping = fyne.TextWrapWord
	problem.Importance = widget.DangerImportance
	progress := widget.NewProgressBarInfinite()
	progress.Hide()
	var d *dialog.CustomDialog
	var add *widget.Button
	submit := func() {
		code := pin.Text
		if code == "" {
			return
		}
		add.Disable()
		progress.Show()
		problem.SetText("")
		go func() {
			// TWOFOLD_YUBIKEY limits Twofold to one key, as in the main view.
			name, _, warning, err := hardware.Protect(g.vault, os.Getenv("TWOFOLD_YUBIKEY"), code, 0, touch.Checked, false)
			if err == nil {
				err = g.vault.Save()
			}
			do(func() {
				add.Enable()
				progress.Hide()
				if err != nil {
					var wrong hardware.WrongPINError
					if errors.As(err, &wrong) || errors.Is(err, hardware.ErrPINBlocked) {
						pin.SetText("")
					}
					problem.SetText(sentence(err))
					return
				}
				d.Hide()
				changed()
				msg := i18n.Tf("The vault now also opens with %s and its PIN.", name)
				if warning != "" {
					showInformation(i18n.T("YubiKey added"), msg+"\n\n"+warning, g.win)
					return
				}
				g.main.toast(msg)
			})
		}()
	}
	pin.OnSubmitted = func(string) { submit() }
	add = widget.NewButtonWithIcon(i18n.T("Add"), theme.ConfirmIcon(), submit)
	add.Importance = widget.HighImportance
	cancel := widget.NewButtonWithIcon(i18n.T("Cancel"), theme.CancelIcon(), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(i18n.T("Add a YubiKey"), container.NewBorder(nil,
		container.NewGridWithColumns(2, cancel, add), nil, nil,
		container.NewVBox(note, pin, touch, progress, problem)), g.win)
	d.Resize(g.fit(440, 340))
	d.Show()
	g.win.Canvas().Focus(pin)
}
