package ui

import (
	"context"
	"errors"
	"os"
	"slices"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/internal/i18n"
)

// unlockForm asks for what the vault's slots need: its password, and a
// YubiKey's PIN once one of the vault's keys is plugged in (the part
// appears when the key is inserted, with the PIN tries left). Unlocking
// runs off the UI goroutine (Argon2id and the card take a moment); a
// wrong answer says so and waits a little before the next try. stop
// ends the watch for keys.
func unlockForm(path string, opened func(*accounts.Vault)) (form fyne.CanvasObject, focus fyne.Focusable, stop func()) {
	info, _ := accounts.Inspect(path)
	var serials []uint32
	hasPassword := false
	if info != nil {
		hasPassword = slices.Contains(info.Slots, accounts.SlotPassword)
		for _, k := range info.YubiKeys {
			serials = append(serials, k.Serial)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	status := widget.NewLabel("")
	status.Importance = widget.DangerImportance
	status.Wrapping = fyne.TextWrapWord
	var inputs []fyne.Disableable
	attempt := func(unlock accounts.Unlocker, done func(error)) {
		for _, in := range inputs {
			in.Disable()
		}
		status.SetText(i18n.T("Unlocking…"))
		go func() {
			v, err := accounts.Open(path, unlock)
			if err != nil {
				time.Sleep(time.Second)
			}
			do(func() {
				for _, in := range inputs {
					in.Enable()
				}
				if err != nil {
					status.SetText(unlockError(err))
					done(err)
					return
				}
				cancel()
				opened(v)
			})
		}()
	}
	refocus := func(e *widget.Entry) {
		e.SetText("")
		if c := fyne.CurrentApp().Driver().CanvasForObject(e); c != nil {
			c.Focus(e) // ready for the next try
		}
	}

	// field is a secret's entry and its button: Enter or the button
	// tries the vault with unlock(secret); a failed try empties the field
	// for the next.
	field := func(placeholder, label string, unlock func(secret []byte) accounts.Unlocker) (*widget.Entry, *widget.Button) {
		e := widget.NewPasswordEntry()
		e.SetPlaceHolder(placeholder)
		try := func() {
			secret := []byte(e.Text)
			if len(secret) == 0 {
				return
			}
			attempt(unlock(secret), func(error) { clear(secret); refocus(e) })
		}
		b := widget.NewButton(label, try)
		e.OnSubmitted = func(string) { try() }
		inputs = append(inputs, e, b)
		return e, b
	}

	box := container.NewVBox(widget.NewLabelWithStyle(i18n.T("Twofold is locked"), fyne.TextAlignCenter, fyne.TextStyle{Bold: true}))
	if hasPassword {
		entry, button := field(i18n.T("Vault password"), i18n.T("Unlock"), func(pw []byte) accounts.Unlocker {
			return &accounts.PasswordSlot{Password: pw}
		})
		button.Importance = widget.HighImportance
		box.Add(entry)
		box.Add(button)
		focus = entry
	}
	if len(serials) > 0 {
		key := widget.NewLabel("")
		key.Wrapping = fyne.TextWrapWord
		touch := func(string) { do(func() { status.SetText(i18n.T("Touch your YubiKey…")) }) }
		pin, button := field(i18n.T("The YubiKey's PIN"), i18n.T("Unlock with YubiKey"), func(code []byte) accounts.Unlocker {
			return hardware.Unlocker(func(string) ([]byte, error) { return slices.Clone(code), nil }, touch)
		})
		section := container.NewVBox(widget.NewSeparator(), key, pin, button)
		section.Hide()
		box.Add(section)
		if focus == nil {
			focus = pin
			button.Importance = widget.HighImportance
		}
		// TWOFOLD_YUBIKEY limits Twofold to one key, as in the main view.
		go hardware.Watch(ctx, os.Getenv("TWOFOLD_YUBIKEY"), func(keys []hardware.Key) {
			var here *hardware.Key
			for i, k := range keys {
				if slices.Contains(serials, k.Serial) {
					here = &keys[i]
					break
				}
			}
			tries := -1
			if here != nil {
				tries = pinTries(here.Serial)
			}
			do(func() {
				if ctx.Err() != nil {
					return
				}
				if here == nil {
					section.Hide()
					return
				}
				text := i18n.Tf("%s is plugged in.", here.Name())
				if tries >= 0 {
					text += " " + i18n.Nf("%d PIN tries left.", tries, tries)
				}
				key.SetText(text)
				section.Show()
			})
		})
	}
	if !hasPassword && len(serials) > 0 {
		box.Add(widget.NewLabelWithStyle(i18n.T("Plug in one of this vault's YubiKeys."), fyne.TextAlignCenter, fyne.TextStyle{Italic: true}))
	}
	box.Add(status)
	return container.NewCenter(container.NewGridWrap(fyne.NewSize(320, 280), box)), focus, cancel
}

// pinTries asks the key how many wrong PINs it still takes; -1 if it
// cannot say.
func pinTries(serial uint32) int {
	p, err := hardware.OpenPIV(strconv.FormatUint(uint64(serial), 10))
	if err != nil {
		return -1
	}
	defer p.Close()
	n, err := p.Retries()
	if err != nil {
		return -1
	}
	return n
}

func unlockError(err error) string {
	var wrong hardware.WrongPINError
	switch {
	case errors.Is(err, accounts.ErrWrongPassword):
		return i18n.T("Wrong password. Try again.")
	case errors.As(err, &wrong), errors.Is(err, hardware.ErrPINBlocked):
		return sentence(wrongOrBlocked(err))
	}
	return sentence(err)
}

// wrongOrBlocked is the PIN error itself, without the vault path the
// vault's error wraps it in.
func wrongOrBlocked(err error) error {
	var wrong hardware.WrongPINError
	if errors.As(err, &wrong) {
		return wrong
	}
	return hardware.ErrPINBlocked
}
