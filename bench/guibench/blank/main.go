// Command blank is guibench's baseline: a Fyne window of Twofold's size
// that does nothing, built from the same Fyne release. With -tick it
// changes one label once a second: the least any window showing a
// per-second countdown can do.
package main

import (
	"flag"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"
)

func main() {
	tick := flag.Bool("tick", false, "update a label once a second")
	title := flag.String("title", "Blank", "window title")
	flag.Parse()
	app.SetMetadata(fyne.AppMetadata{ID: "app.twofold.Blank", Name: *title, Migrations: map[string]bool{"fyneDo": true}})
	a := app.NewWithID("app.twofold.Blank")
	w := a.NewWindow(*title)
	l := widget.NewLabel("")
	w.SetContent(l)
	w.Resize(fyne.NewSize(480, 640))
	if *tick {
		go func() {
			for i := 0; ; i++ {
				time.Sleep(time.Second - time.Duration(time.Now().Nanosecond()))
				fyne.Do(func() { l.SetText(strconv.Itoa(i)) })
			}
		}()
	}
	w.ShowAndRun()
}
