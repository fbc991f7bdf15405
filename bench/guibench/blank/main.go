// Command blank is guibench's baseline: a Fyne window of Twofold's size
// that does nothing, built from the same Fyne release.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	a := app.NewWithID("app.twofold.Blank")
	w := a.NewWindow("Blank")
	w.SetContent(widget.NewLabel(""))
	w.Resize(fyne.NewSize(480, 640))
	w.ShowAndRun()
}
