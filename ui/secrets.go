package ui

import (
	"bytes"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/internal/i18n"
	"twofold/internal/securefile"
	"twofold/qrimage"
)

// showQR shows the account's QR code, to add it to another device, and
// saves it as PNG or JPEG (what N0C tells users to keep).
func (m *mainView) showQR(a *accounts.Account) {
	img, err := qrimage.Draw(a.URI(), 6)
	if err != nil {
		m.showError(err)
		return
	}
	pic := canvas.NewImageFromImage(img)
	pic.FillMode = canvas.ImageFillContain
	pic.ScaleMode = canvas.ImageScalePixels
	pic.SetMinSize(fyne.NewSquareSize(260))
	warn := widget.NewLabel(i18n.T("Anyone who sees or gets this code can make your codes. Keep saved copies somewhere safe."))
	warn.Wrapping = fyne.TextWrapWord
	warn.Importance = widget.WarningImportance
	save := func(format string) func() {
		return func() {
			d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
				if err != nil || w == nil {
					return
				}
				if err := saveQR(w, a, format); err != nil {
					m.showError(err)
					return
				}
				m.toast(i18n.Tf("Saved the QR code of %s.", a.Label()))
			}, m.g.win)
			d.SetFileName(fileName(a.Label()) + "." + map[string]string{"png": "png", "jpeg": "jpg"}[format])
			d.SetFilter(storage.NewExtensionFileFilter([]string{"." + map[string]string{"png": "png", "jpeg": "jpg"}[format]}))
			d.Show()
		}
	}
	buttons := container.NewGridWithColumns(2,
		widget.NewButtonWithIcon(i18n.T("Save as PNG…"), theme.DocumentSaveIcon(), save("png")),
		widget.NewButtonWithIcon(i18n.T("Save as JPEG…"), theme.DocumentSaveIcon(), save("jpeg")))
	d := dialog.NewCustom(i18n.Tf("QR code of %s", a.Label()), i18n.T("Close"), container.NewVBox(pic, warn, buttons), m.g.win)
	d.Resize(m.g.fit(420, 460))
	d.Show()
}

// saveQR writes a's QR code where the file dialog chose. Fyne's writer
// would make the file 0644: it is closed unused and the file written as
// every file holding a secret is, 0600.
func saveQR(w fyne.URIWriteCloser, a *accounts.Account, format string) error {
	path := w.URI().Path()
	w.Close()
	var b bytes.Buffer
	defer func() { clear(b.Bytes()) }()
	if err := qrimage.Write(&b, a.URI(), format, 8); err != nil {
		return err
	}
	return securefile.Write(path, b.Bytes())
}

func fileName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>|`, r) {
			return '-'
		}
		return r
	}, s)
	if s == "" {
		return "account"
	}
	return s
}

// recoveryCodes lists an account's single-use emergency codes: add (one
// a line, as sites show them), copy, mark used. save writes the vault.
func (m *mainView) recoveryCodes(a *accounts.Account, save func() error) fyne.CanvasObject {
	box := container.NewVBox()
	var fill func()
	fill = func() {
		box.RemoveAll()
		for i := range a.RecoveryCodes {
			rc := &a.RecoveryCodes[i]
			code := widget.NewLabelWithStyle(rc.Code, fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
			used := widget.NewCheck(i18n.T("used"), nil)
			used.SetChecked(rc.UsedAt != nil)
			if rc.UsedAt != nil {
				code.Importance = widget.LowImportance
			}
			used.OnChanged = func(on bool) {
				old := rc.UsedAt
				if on {
					t := time.Now().UTC()
					rc.UsedAt = &t
				} else {
					rc.UsedAt = nil
				}
				if err := save(); err != nil {
					rc.UsedAt = old
					m.showError(err)
				}
				fill()
			}
			cp := newIconButton(theme.ContentCopyIcon(), i18n.T("Copy this recovery code"), func() {
				m.copySecret(rc.Code, i18n.T("Copied a recovery code"))
			})
			box.Add(container.NewBorder(nil, nil, nil, container.NewHBox(used, cp), code))
		}
		if len(a.RecoveryCodes) == 0 {
			none := widget.NewLabel(i18n.T("None yet. Sites like Netim and Exponea give a few at setup."))
			none.Wrapping = fyne.TextWrapWord
			box.Add(none)
		}
	}
	fill()
	entry := m.g.newMultiLineEntry()
	entry.SetPlaceHolder(i18n.T("Paste recovery codes, one a line"))
	entry.SetMinRowsVisible(2)
	add := widget.NewButtonWithIcon(i18n.T("Add codes"), theme.ContentAddIcon(), func() {
		before := len(a.RecoveryCodes)
		for _, l := range lines(entry.Text) {
			a.RecoveryCodes = append(a.RecoveryCodes, accounts.RecoveryCode{Code: l})
		}
		if err := save(); err != nil {
			a.RecoveryCodes = a.RecoveryCodes[:before]
			m.showError(err)
			return
		}
		entry.SetText("")
		fill()
	})
	return container.NewVBox(box, entry, add)
}
