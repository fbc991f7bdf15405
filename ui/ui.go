// Package ui is Twofold's Fyne GUI. It is thin: it shows what package
// accounts computes and owns no logic of its own.
package ui

import (
	"errors"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/assets"
)

// AppID is Fyne's application ID (also in FyneApp.toml).
const AppID = "app.twofold.Twofold"

// Run opens the main window on the vault at path ("" = the default) and
// returns the exit status when the window closes.
func Run(path string) int {
	a := app.NewWithID(AppID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	w := a.NewWindow("Twofold")
	w.Resize(fyne.NewSize(460, 620))
	show(w, path)
	w.ShowAndRun()
	return 0
}

// show puts the right view in the window: the codes, an unlock form, or
// a message saying why neither can be shown.
func show(w fyne.Window, explicitPath string) {
	path, err := accounts.VaultPath(explicitPath)
	if err != nil {
		w.SetContent(message("Twofold cannot find its vault", err.Error()))
		return
	}
	v, err := accounts.Read(path, accounts.KeyringSlot{})
	switch {
	case err == nil:
		showCodes(w, v.Accounts)
	case errors.Is(err, accounts.ErrNoVault):
		w.SetContent(message("No accounts yet", "Add one from a terminal: twofold add 'otpauth://…'"))
	case hasSlot(path, accounts.SlotPassword):
		w.SetContent(unlockForm(path, func(v *accounts.Vault) { showCodes(w, v.Accounts) }))
	default:
		w.SetContent(message("The vault cannot be opened", err.Error()))
	}
}

func showCodes(w fyne.Window, accts []*accounts.Account) {
	list := newCodeList(accts, time.Now)
	w.SetContent(list.widget)
	w.Canvas().Focus(list.widget)
	stop := make(chan struct{})
	w.SetOnClosed(func() { close(stop) })
	go list.tick(stop)
}

func hasSlot(path, slot string) bool {
	info, err := accounts.Inspect(path)
	if err != nil || info.Err != nil {
		return false
	}
	for _, s := range info.Slots {
		if s == slot {
			return true
		}
	}
	return false
}

// message is a centred title and one line of explanation.
func message(title, detail string) fyne.CanvasObject {
	t := widget.NewLabelWithStyle(title, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	d := widget.NewLabelWithStyle(detail, fyne.TextAlignCenter, fyne.TextStyle{})
	d.Wrapping = fyne.TextWrapWord
	return container.NewCenter(container.NewVBox(t, d))
}

// unlockForm asks for the vault password. Argon2id takes a moment, so
// it runs off the UI goroutine; a wrong password says so and waits a
// little before the next try.
func unlockForm(path string, opened func(*accounts.Vault)) fyne.CanvasObject {
	entry := widget.NewPasswordEntry()
	entry.SetPlaceHolder("Vault password")
	status := widget.NewLabel("")
	status.Importance = widget.DangerImportance
	var button *widget.Button
	try := func() {
		pw := []byte(entry.Text)
		if len(pw) == 0 {
			return
		}
		button.Disable()
		entry.Disable()
		status.SetText("Unlocking…")
		go func() {
			v, err := accounts.Read(path, &accounts.PasswordSlot{Password: pw})
			if err != nil {
				time.Sleep(time.Second)
			}
			fyne.Do(func() {
				button.Enable()
				entry.Enable()
				if err != nil {
					status.SetText(unlockError(err))
					entry.SetText("")
					return
				}
				opened(v)
			})
		}()
	}
	button = widget.NewButton("Unlock", try)
	button.Importance = widget.HighImportance
	entry.OnSubmitted = func(string) { try() }
	return container.NewCenter(container.NewVBox(
		widget.NewLabelWithStyle("Twofold is locked", fyne.TextAlignCenter, fyne.TextStyle{Bold: true}),
		container.NewGridWrap(fyne.NewSize(280, entry.MinSize().Height), entry),
		button, status))
}

func unlockError(err error) string {
	if errors.Is(err, accounts.ErrWrongPassword) {
		return "Wrong password. Try again."
	}
	return "The vault cannot be opened: " + err.Error()
}
