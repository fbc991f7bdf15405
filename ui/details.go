package ui

import (
	"strconv"

	"fyne.io/fyne/v2/layout"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/backup"
)

// details edits an account's issuer, name, tags, note and pin, shows its
// secret on request, and deletes it after asking.
func (m *mainView) details(a *accounts.Account) {
	g := m.g
	issuer, name, tags, note := g.newEntry(), g.newEntry(), g.newEntry(), g.newMultiLineEntry()
	issuer.SetText(a.Issuer)
	name.SetText(a.Name)
	tags.SetText(strings.Join(a.Tags, ", "))
	tags.SetPlaceHolder("work, personal")
	note.SetText(a.Note)
	pinned := widget.NewCheck("Pin to the top", nil)
	pinned.SetChecked(a.Pinned)

	secret := widget.NewLabelWithStyle("••••  ••••  ••••  ••••", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	secret.Wrapping = fyne.TextWrapBreak
	var reveal *widget.Button
	reveal = widget.NewButtonWithIcon("Show secret", theme.VisibilityIcon(), func() {
		secret.SetText(backup.GroupSecret(accounts.EncodeSecret(a.Secret)))
		reveal.Disable()
	})
	kind := widget.NewLabel(describeKind(a))
	qr := widget.NewButtonWithIcon("Show QR code…", theme.VisibilityIcon(), func() { m.showQR(a) })
	saveVault := func() error { return g.vault.Save() }

	var d *dialog.CustomDialog
	deleteBtn := widget.NewButtonWithIcon("Delete…", theme.DeleteIcon(), func() {
		dialog.ShowConfirm("Delete "+a.Label()+"?",
			"You will no longer get codes for it here. Make sure you can still sign in to "+nonEmpty(a.Issuer, "this site")+" another way.",
			func(ok bool) {
				if ok {
					d.Hide()
					m.remove(a)
				}
			}, g.win)
	})
	deleteBtn.Importance = widget.DangerImportance
	save := widget.NewButtonWithIcon("Save", theme.DocumentSaveIcon(), func() {
		old := *a
		a.Issuer, a.Name, a.Note = strings.TrimSpace(issuer.Text), strings.TrimSpace(name.Text), note.Text
		a.Tags = splitTags(tags.Text)
		a.Pinned = pinned.Checked
		a.Updated = time.Now().UTC()
		if err := g.vault.Save(); err != nil {
			*a = old // nothing changes if it cannot be written
			m.showError(err)
			return
		}
		d.Hide()
		m.refilter()
		m.toast("Saved " + a.Label() + ".")
	})
	save.Importance = widget.HighImportance
	cancel := widget.NewButton("Close", func() { d.Hide() })

	form := widget.NewForm(
		widget.NewFormItem("Issuer", issuer), widget.NewFormItem("Account", name),
		widget.NewFormItem("Tags", tags), widget.NewFormItem("Note", note),
		widget.NewFormItem("", pinned), widget.NewFormItem("Codes", kind),
		widget.NewFormItem("Secret", container.NewVBox(secret, container.NewHBox(reveal, qr))),
		widget.NewFormItem("Recovery codes", m.recoveryCodes(a, saveVault)),
	)
	buttons := container.NewHBox(deleteBtn, layout.NewSpacer(), cancel, save)
	d = dialog.NewCustomWithoutButtons(a.Label(), container.NewBorder(nil, buttons, nil, nil, container.NewVScroll(form)), g.win)
	d.Resize(g.fit(500, 600))
	d.Show()
	g.win.Canvas().Focus(issuer)
}

// remove deletes an account and offers to undo it for a while.
func (m *mainView) remove(a *accounts.Account) {
	if _, err := m.g.vault.Remove(a.ID); err != nil {
		m.showError(err)
		return
	}
	if err := m.g.vault.Save(); err != nil {
		m.g.vault.Accounts = append(m.g.vault.Accounts, a)
		m.showError(err)
		return
	}
	m.refilter()
	undo := widget.NewButton("Undo", nil)
	var pop *widget.PopUp
	undo.OnTapped = func() {
		pop.Hide()
		if err := m.g.vault.Add(a); err == nil {
			if err := m.g.vault.Save(); err != nil {
				m.showError(err)
			}
		}
		m.refilter()
	}
	pop = widget.NewPopUp(container.NewHBox(widget.NewLabel("Deleted "+a.Label()+"."), undo), m.g.win.Canvas())
	size := m.g.win.Canvas().Size()
	pop.ShowAtPosition(fyne.NewPos(12, size.Height-64))
	time.AfterFunc(10*time.Second, func() { do(pop.Hide) })
}

func describeKind(a *accounts.Account) string {
	switch a.Kind {
	case accounts.HOTP:
		return "Counter-based, " + string(a.Algorithm) + ", " + strconv.Itoa(a.Digits) + " digits, counter " + strconv.FormatUint(a.Counter, 10)
	case accounts.Steam:
		return "Steam Guard, 5 characters every 30 s"
	}
	return "Time-based, " + string(a.Algorithm) + ", " + strconv.Itoa(a.Digits) + " digits every " + strconv.Itoa(a.Period) + " s"
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.Split(s, ",") {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func nonEmpty(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
