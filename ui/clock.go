package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/clockcheck"
	"twofold/internal/i18n"
)

// clockBanner warns, above the list, when the clock is off by more than
// clockcheck.Tolerance: the codes would then be refused. It offers to
// make the codes from the time server's time instead, until the clock is
// set right, and says so while it does.
type clockBanner struct {
	banner  *fyne.Container
	label   *widget.Label
	correct *widget.Button // "Use the corrected time" / "Use this computer's clock"
	started bool
	offset  time.Duration // the last offset measured
}

func newClockBanner(g *gui) *clockBanner {
	b := &clockBanner{label: widget.NewLabel("")}
	b.label.Wrapping = fyne.TextWrapWord
	b.label.Importance = widget.WarningImportance
	again := widget.NewButton(i18n.T("Check again"), g.checkClock)
	b.correct = widget.NewButton(i18n.T("Use the corrected time for codes"), func() { g.setCorrect(!g.settings.correct) })
	b.banner = container.NewBorder(nil, widget.NewSeparator(), widget.NewIcon(theme.WarningIcon()),
		container.NewVBox(b.correct, again), b.label)
	b.banner.Hide()
	return b
}

// checkClock asks the time server, off the UI goroutine, and shows or
// hides the banner; the first call also starts a daily re-check.
func (g *gui) checkClock() {
	if !g.settings.ntp {
		g.clock.offset = 0
		g.showClock(false)
		return
	}
	server := g.settings.ntpServer
	go func() {
		off, err := clockcheck.Offset(server, 5*time.Second)
		do(func() {
			// No answer (offline, blocked): say nothing rather than cry
			// wolf, and keep the last correction.
			if err != nil {
				g.showClock(false)
				return
			}
			g.clock.offset = off
			g.showClock(clockcheck.Describe(off) != "")
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

// setCorrect turns the corrected time for codes on or off, and keeps
// the choice.
func (g *gui) setCorrect(on bool) {
	g.settings.correct = on
	g.settings.save(g.app.Preferences())
	g.showClock(clockcheck.Describe(g.clock.offset) != "")
	if g.main != nil {
		g.main.list.step()
	}
}

// showClock applies the last measured offset: the correction codes use,
// and the banner (shown when off is true: the clock is off).
func (g *gui) showClock(off bool) {
	b := g.clock
	if !off {
		g.correction.Store(0)
		b.banner.Hide()
		return
	}
	if g.settings.correct {
		g.correction.Store(int64(b.offset))
		b.label.SetText(i18n.Tf("Codes use the corrected time: this computer's clock is %s. Set the clock right when you can (turn on automatic time).",
			clockcheck.Distance(b.offset)))
		b.correct.SetText(i18n.T("Use this computer's clock"))
	} else {
		g.correction.Store(0)
		b.label.SetText(clockcheck.Describe(b.offset))
		b.correct.SetText(i18n.T("Use the corrected time for codes"))
	}
	b.banner.Show()
}
