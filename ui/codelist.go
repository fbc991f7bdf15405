package ui

import (
	"fmt"
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/accounts"
)

// codeList shows accounts with their live codes and countdowns. Only the
// rows on screen exist (widget.List), so a refresh costs the same for 10
// or 5,000 accounts.
type codeList struct {
	accts  []*accounts.Account
	now    func() time.Time
	widget *widget.List
}

// warnBelow is when the countdown turns to the warning colour.
const warnBelow = 5 * time.Second

func newCodeList(accts []*accounts.Account, now func() time.Time) *codeList {
	l := &codeList{accts: accts, now: now}
	l.widget = widget.NewList(
		func() int { return len(l.accts) },
		newRow,
		func(id widget.ListItemID, o fyne.CanvasObject) { l.update(id, o.(*fyne.Container)) },
	)
	return l
}

// Row layout: avatar | issuer over name | code over countdown.
func newRow() fyne.CanvasObject {
	circle := canvas.NewCircle(color.Transparent)
	initials := canvas.NewText("", color.White)
	initials.TextStyle.Bold = true
	initials.Alignment = fyne.TextAlignCenter
	avatar := container.NewGridWrap(fyne.NewSquareSize(36), container.NewStack(circle, container.NewCenter(initials)))

	issuer := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	issuer.Truncation = fyne.TextTruncateEllipsis
	name := widget.NewLabel("")
	name.Truncation = fyne.TextTruncateEllipsis
	code := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{Monospace: true})
	code.SizeName = theme.SizeNameSubHeadingText
	left := widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	bar := widget.NewProgressBar()
	bar.TextFormatter = func() string { return "" }
	return container.NewBorder(nil, nil, container.NewCenter(avatar),
		container.NewVBox(code, container.NewHBox(layout.NewSpacer(), left, container.NewGridWrap(fyne.NewSize(60, 8), bar))),
		container.NewVBox(issuer, name))
}

func (l *codeList) update(id widget.ListItemID, row *fyne.Container) {
	if id >= len(l.accts) {
		return
	}
	a := l.accts[id]
	now := l.now()
	// Border puts the centre object first, then the leading and trailing ones.
	text := row.Objects[0].(*fyne.Container).Objects
	avatar := row.Objects[1].(*fyne.Container).Objects[0].(*fyne.Container).Objects[0].(*fyne.Container)
	right := row.Objects[2].(*fyne.Container).Objects
	circle := avatar.Objects[0].(*canvas.Circle)
	initials := avatar.Objects[1].(*fyne.Container).Objects[0].(*canvas.Text)
	issuer, name := text[0].(*widget.Label), text[1].(*widget.Label)
	codeLabel := right[0].(*widget.Label)
	countdown := right[1].(*fyne.Container).Objects
	left := countdown[1].(*widget.Label)
	bar := countdown[2].(*fyne.Container).Objects[0].(*widget.ProgressBar)

	title := a.Issuer
	if title == "" {
		title = a.Name
	}
	issuer.SetText(title)
	name.SetText(a.Name)
	if a.Issuer == "" {
		name.SetText("")
	}
	circle.FillColor = avatarColor(title)
	initials.Text = initialsOf(title)
	initials.Refresh()
	circle.Refresh()

	code, err := a.Code(now)
	if err != nil {
		codeLabel.SetText("error")
		return
	}
	codeLabel.SetText(accounts.GroupCode(code))
	if a.Kind == accounts.HOTP {
		left.SetText("counter")
		left.Importance = widget.MediumImportance
		bar.Hide()
		return
	}
	rem := a.Remaining(now)
	secs := int((rem + time.Second - 1) / time.Second)
	left.SetText(fmt.Sprintf("%d s", secs))
	// The number is always there too: colour is never the only signal.
	if rem <= warnBelow {
		left.Importance = widget.DangerImportance
	} else {
		left.Importance = widget.MediumImportance
	}
	left.Refresh()
	bar.Show()
	bar.SetValue(float64(rem) / float64(time.Duration(a.Period)*time.Second))
}

// tick refreshes the visible rows once a second, on the second, until
// stop is closed.
func (l *codeList) tick(stop <-chan struct{}) {
	for {
		wait := time.Second - time.Duration(time.Now().Nanosecond())
		select {
		case <-stop:
			return
		case <-time.After(wait):
			fyne.Do(l.widget.Refresh)
		}
	}
}

func initialsOf(s string) string {
	f := strings.Fields(s)
	switch {
	case len(f) == 0:
		return "?"
	case len(f) == 1:
		r := []rune(f[0])
		return strings.ToUpper(string(r[:min(2, len(r))]))
	}
	return strings.ToUpper(string([]rune(f[0])[0]) + string([]rune(f[1])[0]))
}

// avatarColor picks one of a few saturated colours from the name, so an
// account keeps its colour; white initials stay readable on all of them
// in light and dark themes.
func avatarColor(s string) color.Color {
	palette := []color.NRGBA{
		{0x1e, 0x88, 0xe5, 0xff}, {0x43, 0xa0, 0x47, 0xff}, {0xe5, 0x39, 0x35, 0xff}, {0x8e, 0x24, 0xaa, 0xff},
		{0xfb, 0x8c, 0x00, 0xff}, {0x00, 0x89, 0x7b, 0xff}, {0x5e, 0x35, 0xb1, 0xff}, {0x6d, 0x4c, 0x41, 0xff},
	}
	var h uint32
	for _, r := range strings.ToLower(s) {
		h = h*31 + uint32(r)
	}
	return palette[h%uint32(len(palette))]
}
