package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/clockcheck"
)

// clockBanner warns, above the list, when the clock is off by more than
// clockcheck.Tolerance: the codes would then be refused.
type clockBanner struct {
	banner  *fyne.Container
	label   *widget.Label
	started bool
}

func newClockBanner(g *gui) *clockBanner {
	b := &clockBanner{label: widget.NewLabel("")}
	b.label.Wrapping = fyne.TextWrapWord
	b.label.Importance = widget.WarningImportance
	again := widget.NewButton("Check again", g.checkClock)
	b.banner = container.NewBorder(nil, widget.NewSeparator(), widget.NewIcon(theme.WarningIcon()), again, b.label)
	b.banner.Hide()
	return b
}

// checkClock asks the time server, off the UI goroutine, and shows or
// hides the banner; the first call also starts a daily re-check.
func (g *gui) checkClock() {
	if !g.settings.ntp {
		g.clock.banner.Hide()
		return
	}
	server := g.settings.ntpServer
	go func() {
		off, err := clockcheck.Offset(server, 5*time.Second)
		do(func() {
			// No answer (offline, blocked): say nothing rather than cry wolf.
			if msg := clockcheck.Describe(off); err == nil && msg != "" {
				g.clock.label.SetText(msg)
				g.clock.banner.Show()
			} else {
				g.clock.banner.Hide()
			}
		})
	}()
	if !g.clock.started {
		g.clock.started = true
		go func() {
			for range time.Tick(24 * time.Hour) {
				do(g.checkClock)
			}
		}()
	}
}
