package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
	"twofold/assets"
	"twofold/internal/buildinfo"
	"twofold/internal/i18n"
)

// showAbout tells which Twofold this is, its licence, and where its
// vault lives (what a user needs to back it up or report a problem).
func (g *gui) showAbout() {
	icon := canvas.NewImageFromResource(fyne.NewStaticResource("icon.png", assets.Icon))
	icon.FillMode = canvas.ImageFillContain
	icon.SetMinSize(fyne.NewSize(64, 64))
	vault := i18n.T("unknown")
	if p, err := accounts.VaultPath(g.path); err == nil {
		vault = p
	}
	path := widget.NewLabel(vault)
	path.Selectable = true // so it can be copied
	path.Wrapping = fyne.TextWrapBreak
	title := widget.NewLabelWithStyle("Twofold", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	content := container.NewVBox(
		container.NewHBox(icon, container.NewVBox(title, widget.NewLabel(i18n.T("A desktop authenticator")))),
		widget.NewLabel(i18n.Tf("Version %s", buildinfo.Current())),
		widget.NewLabel(i18n.Tf("Licence: %s", buildinfo.Licence)),
		widget.NewLabel(i18n.T("The vault:")),
		path,
	)
	d := dialog.NewCustom(i18n.T("About Twofold"), i18n.T("Close"), content, g.win)
	d.Resize(fyne.NewSize(420, 0))
	d.Show()
}
