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
	"twofold/internal/i18n"
)

// codeList shows accounts with their live codes and countdowns: the
// vault's, then each plugged-in key's under a header. Only the rows on
// screen exist (widget.List), so a refresh costs the same for 10 or
// 5,000 accounts.
type codeList struct {
	accts  []*accounts.Account // the vault's accounts shown
	items  []listItem          // every row: accts, then the keys' sections
	now    func() time.Time
	widget *keyList

	onCopy, onNext, onDetails func(*accounts.Account)
	// onKeyCopy and onKeyDetails act on an account on a key; onKeyMenu on
	// a key's header.
	onKeyCopy, onKeyDetails func(*keyCred)
	onKeyMenu               func(*keySection)
	// onSecond runs after each second's update of the rows.
	onSecond func(now time.Time)

	// hide shows codes as dots until a row is clicked; revealed is that row.
	hide     bool
	revealed *accounts.Account
	// compact rows take one line: "issuer · name", code, time left.
	compact bool

	// bound is which item each row widget last showed: the rows on
	// screen, plus the few the list keeps for reuse.
	bound map[*row]widget.ListItemID
}

// listItem is one row: a vault account, an account on a key (acct is
// then its view, without a secret), or a key's header.
type listItem struct {
	acct *accounts.Account
	on   *keyCred
	head *keySection
}

// warnBelow is when the countdown turns to the warning colour and the
// next code is shown.
const warnBelow = 5 * time.Second

func newCodeList(accts []*accounts.Account, now func() time.Time) *codeList {
	l := &codeList{now: now}
	l.set(accts, nil)
	l.newWidget()
	return l
}

// setCompact switches between two-line and one-line rows: the rows are
// made again, so it returns the new list widget for the caller to show.
func (l *codeList) setCompact(compact bool) *keyList {
	l.compact = compact
	l.newWidget()
	return l.widget
}

// newWidget makes the list widget, its rows made for l.compact.
func (l *codeList) newWidget() {
	l.bound = map[*row]widget.ListItemID{}
	l.widget = newKeyList(
		func() int { return len(l.items) },
		func() fyne.CanvasObject { return newRow(l) },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			r := o.(*row)
			for other, oid := range l.bound {
				if oid == id && other != r {
					delete(l.bound, other)
				}
			}
			l.bound[r] = id
			if id < len(l.items) {
				r.show(l.items[id], l.now())
			}
		},
	)
	// Click, or Space/Enter on the focused row: copy the code (a key's
	// header: its menu).
	l.widget.OnSelected = func(id widget.ListItemID) {
		l.widget.cursor = id
		l.widget.Unselect(id)
		if id >= len(l.items) {
			return
		}
		it := l.items[id]
		if it.head != nil {
			if l.onKeyMenu != nil {
				l.onKeyMenu(it.head)
			}
			return
		}
		if l.hide {
			l.revealed = it.acct
			l.widget.RefreshItem(id)
		}
		switch {
		case it.on != nil && l.onKeyCopy != nil:
			l.onKeyCopy(it.on)
		case it.on == nil && l.onCopy != nil:
			l.onCopy(it.acct)
		}
	}
}

// set shows the vault's accounts accts, then keys (the keys' headers
// and accounts).
func (l *codeList) set(accts []*accounts.Account, keys []listItem) {
	l.accts = accts
	l.items = l.items[:0]
	for _, a := range accts {
		l.items = append(l.items, listItem{acct: a})
	}
	l.items = append(l.items, keys...)
	if l.widget != nil {
		l.widget.Refresh()
	}
}

// step updates the rows on screen for the new second. Unlike
// List.Refresh, it leaves the list's own items (backgrounds, separators,
// layout) alone and skips rows scrolled out of view.
func (l *codeList) step() {
	first, last := l.visibleRange()
	now := l.now()
	for r, id := range l.bound {
		if id >= first && id <= last && id < len(l.items) && r.item == l.items[id] {
			r.show(r.item, now)
		}
	}
}

// refreshKey redraws the rows of a key's section (new codes, a new
// status), wherever they are.
func (l *codeList) refreshKey(sec *keySection) {
	now := l.now()
	for r, id := range l.bound {
		if id < len(l.items) && r.item == l.items[id] && (r.item.head == sec || (r.item.on != nil && r.item.on.sec == sec)) {
			r.show(r.item, now)
		}
	}
}

// visibleRange is the first and last item id that can be on screen, from
// the scroll offset and the (fixed) row height, with one to spare.
func (l *codeList) visibleRange() (int, int) {
	var height float32
	for r := range l.bound {
		height = max(height, r.Size().Height)
	}
	if height <= 0 {
		return 0, len(l.items)
	}
	step := height + theme.Padding() // the list's gap between rows
	first := int(l.widget.GetScrollOffset()/step) - 1
	last := int((l.widget.GetScrollOffset()+l.widget.Size().Height)/step) + 1
	return first, last
}

// currentItem is the row under the keyboard cursor (or last clicked).
func (l *codeList) currentItem() (listItem, bool) {
	if c := l.widget.cursor; c >= 0 && c < len(l.items) {
		return l.items[c], true
	}
	return listItem{}, false
}

// current is the vault account under the keyboard cursor, if it is one.
func (l *codeList) current() *accounts.Account {
	if it, ok := l.currentItem(); ok && it.on == nil && it.head == nil {
		return it.acct
	}
	return nil
}

// highlight puts the keyboard cursor on a (a vault account or the view
// of one on a key), scrolling to it.
func (l *codeList) highlight(a *accounts.Account) {
	for i, x := range l.items {
		if x.acct == a && a != nil {
			l.widget.cursor = i
			l.widget.Highlight(i)
			return
		}
	}
}

// keyList is a widget.List that also copies on Enter and remembers
// which row the keyboard cursor is on (OnHighlighted also fires on
// mouse hover, which must not move it).
type keyList struct {
	widget.List
	cursor int
	typing bool
}

func newKeyList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject)) *keyList {
	l := &keyList{}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	// Each row draws its own line, as an image (see avatar.go): the
	// list's separators are rectangles, a GL program switch per row.
	l.HideSeparators = true
	l.OnHighlighted = func(id widget.ListItemID) {
		if l.typing {
			l.cursor = id
		}
	}
	l.ExtendBaseWidget(l)
	return l
}

func (l *keyList) TypedKey(e *fyne.KeyEvent) {
	if e.Name == fyne.KeyReturn || e.Name == fyne.KeyEnter {
		l.Select(l.cursor)
		return
	}
	l.typing = true
	l.List.TypedKey(e)
	l.typing = false
}

func (l *keyList) FocusGained() {
	l.typing = true
	l.List.FocusGained()
	l.typing = false
}

// tick refreshes the visible rows once a second, on the second, until
// stop is closed. It skips the refresh while paused says so (the window
// is minimised).
func (l *codeList) tick(stop <-chan struct{}, paused func() bool) {
	for {
		wait := time.Second - time.Duration(time.Now().Nanosecond())
		select {
		case <-stop:
			return
		case <-time.After(wait):
			do(func() {
				if !paused() {
					l.step()
					if l.onSecond != nil {
						l.onSecond(l.now())
					}
				}
			})
		}
	}
}

// row is one account: avatar | issuer over name | code over countdown,
// with buttons for HOTP's next code and the details.
type row struct {
	widget.BaseWidget
	list      *codeList
	item      listItem
	avatar    *canvas.Image // a circle with the initials (avatar.go)
	line      *canvas.Image // the line under the row, in the separator colour
	avatarOf  avatarKey
	keyIcon   *widget.Icon // in the avatar's place on a key's header
	issuer    *widget.Label
	name      *widget.Label
	code      *widget.Label
	left      *widget.Label
	nextCode  *widget.Label
	bar       *timeBar
	nextBtn   *iconButton
	detailBtn *iconButton
	content   fyne.CanvasObject
}

func newRow(l *codeList) *row {
	r := &row{list: l}
	r.avatar = newImageObject()
	r.keyIcon = widget.NewIcon(theme.StorageIcon())
	r.keyIcon.Hide()
	size := float32(36)
	if l.compact {
		size = 24
	}
	avatar := container.NewGridWrap(fyne.NewSquareSize(size), container.NewStack(r.avatar, r.keyIcon))

	r.issuer = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	r.issuer.Truncation = fyne.TextTruncateEllipsis
	r.name = widget.NewLabel("")
	r.name.Truncation = fyne.TextTruncateEllipsis
	// The theme font's digits are all one width, so codes line up without
	// a monospace font, whose faces would cost about 8 MB more to load.
	r.code = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	r.code.SizeName = theme.SizeNameSubHeadingText
	r.left = widget.NewLabel("")
	r.nextCode = widget.NewLabelWithStyle("", fyne.TextAlignTrailing, fyne.TextStyle{})
	r.bar = newTimeBar()
	r.nextBtn = newIconButton(theme.MediaSkipNextIcon(), i18n.T("Next code (advances the counter)"), func() {
		if r.item.acct != nil && r.item.on == nil && l.onNext != nil {
			l.onNext(r.item.acct)
		}
	})
	r.detailBtn = newIconButton(theme.MoreVerticalIcon(), i18n.T("Account details"), func() {
		switch it := r.item; {
		case it.head != nil && l.onKeyMenu != nil:
			l.onKeyMenu(it.head)
		case it.on != nil && l.onKeyDetails != nil:
			l.onKeyDetails(it.on)
		case it.acct != nil && it.on == nil && l.onDetails != nil:
			l.onDetails(it.acct)
		}
	})
	if l.compact {
		// One line: "issuer · name" | next code, code, time left, bar.
		right := container.NewHBox(r.nextCode, r.code, r.left, container.NewCenter(r.bar), r.nextBtn)
		r.content = container.NewBorder(nil, nil, container.NewCenter(avatar),
			container.NewHBox(right, container.NewCenter(r.detailBtn)), r.issuer)
	} else {
		right := container.NewVBox(
			container.NewHBox(layout.NewSpacer(), r.nextCode, r.code),
			container.NewHBox(layout.NewSpacer(), r.left, r.bar, r.nextBtn),
		)
		r.content = container.NewBorder(nil, nil, container.NewCenter(avatar),
			container.NewHBox(right, container.NewCenter(r.detailBtn)), container.NewVBox(r.issuer, r.name))
	}
	r.line = newImageObject()
	r.line.Image = solid(theme.Color(theme.ColorNameSeparator))
	r.line.SetMinSize(fyne.NewSize(1, theme.SeparatorThicknessSize()))
	r.content = container.NewBorder(nil, r.line, nil, nil, r.content)
	r.ExtendBaseWidget(r)
	return r
}

func (r *row) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(r.content) }

// Refresh follows a change of theme (Fyne refreshes every widget then;
// nothing else refreshes a whole row): the line takes the new colour.
func (r *row) Refresh() {
	r.line.Image = solid(theme.Color(theme.ColorNameSeparator))
	r.BaseWidget.Refresh()
}

// show fills the row for item it at time now. It runs for every
// visible row once a second, so it only touches what changed: each
// refresh costs a redraw.
func (r *row) show(it listItem, now time.Time) {
	r.item = it
	if it.head != nil {
		r.showHeader(it.head)
		return
	}
	if r.keyIcon.Visible() {
		r.keyIcon.Hide()
		r.avatar.Show()
	}
	a := it.acct
	title, sub := a.Issuer, a.Name
	if title == "" {
		title, sub = a.Name, ""
	}
	// The avatar changes only when the row shows another account.
	if k := (avatarKey{initialsOf(title), avatarColor(a.Issuer + a.Name)}); r.avatarOf != k {
		r.avatarOf = k
		r.avatar.Image = avatarImage(k.initials, k.fill)
		r.avatar.Refresh()
	}
	if a.Pinned {
		title = "★ " + title
	}
	if r.list.compact && sub != "" {
		title, sub = title+" · "+sub, ""
	}
	setText(r.issuer, title)
	setText(r.name, sub)
	r.detailBtn.Show()
	if it.on != nil {
		r.showOnKey(it.on, now)
		return
	}

	code, err := a.Code(now)
	if err != nil {
		setText(r.code, i18n.T("error"))
		return
	}
	if a.Kind == accounts.HOTP {
		setText(r.code, r.mask(a, code))
		r.showCountdown(0, 0, "")
		r.nextBtn.Show()
		return
	}
	r.nextBtn.Hide()
	rem := a.Remaining(now)
	var next string
	if rem <= warnBelow {
		next, _ = a.Code(now.Add(rem))
	}
	setText(r.code, r.mask(a, code))
	r.showCountdown(rem, time.Duration(a.Period)*time.Second, r.mask(a, next))
}

// showOnKey fills the code side of an account on a key: the code the key
// computed while it lasts, else what it takes to get one.
func (r *row) showOnKey(kc *keyCred, now time.Time) {
	r.nextBtn.Hide()
	code, rem := kc.codeAt(now)
	switch {
	case code != "":
		setText(r.code, r.mask(r.item.acct, code))
	case kc.waiting:
		setText(r.code, i18n.T("Touch your YubiKey"))
	case kc.sec.err != nil:
		setText(r.code, "")
	case kc.cred.Touch:
		setText(r.code, i18n.T("Touch to show"))
	case kc.cred.Kind == accounts.HOTP:
		setText(r.code, i18n.T("Click to show"))
	default:
		setText(r.code, "…")
	}
	if code == "" || kc.cred.Kind == accounts.HOTP {
		r.showCountdown(0, 0, "")
		return
	}
	r.showCountdown(rem, time.Duration(max(kc.cred.Period, 1))*time.Second, "")
}

// showHeader makes the row a key's header: its name and state, with its
// menu behind the button.
func (r *row) showHeader(sec *keySection) {
	r.avatar.Hide()
	r.keyIcon.Show()
	if r.list.compact {
		setText(r.issuer, sec.title()+" · "+sec.status())
		setText(r.name, "")
	} else {
		setText(r.issuer, sec.title())
		setText(r.name, sec.status())
	}
	setText(r.code, "")
	r.nextBtn.Hide()
	r.showCountdown(0, 0, "")
}

// mask hides a code as dots unless codes are shown or its row was
// clicked.
func (r *row) mask(a *accounts.Account, code string) string {
	if r.list.hide && r.list.revealed != a {
		return strings.Repeat("•", len(code))
	}
	return accounts.GroupCode(code)
}

// showCountdown shows the time left of a code valid for period (none if
// period is 0) and, in its last seconds, the next code.
func (r *row) showCountdown(rem, period time.Duration, next string) {
	if period <= 0 {
		setText(r.left, "")
		setText(r.nextCode, "")
		r.bar.Hide()
		return
	}
	r.bar.Show()
	if r.list.compact {
		next = "" // no room on one line: the warning colour says it
	}
	secs := int((rem + time.Second - 1) / time.Second)
	setText(r.left, fmt.Sprintf("%d s", secs))
	r.bar.set(float64(rem)/float64(period), rem <= warnBelow)
	// In the last seconds: the warning colour, and the next code beside
	// it. The number is always there too: colour is never the only signal.
	importance := widget.MediumImportance
	if rem <= warnBelow {
		importance = widget.DangerImportance
		if next != "" {
			next = i18n.Tf("next %s", next)
		}
	} else {
		next = ""
	}
	setText(r.nextCode, next)
	if r.left.Importance != importance {
		r.left.Importance = importance
		r.left.Refresh()
	}
}

// setText changes a label only when its text changes, and hides it
// while empty: hidden objects cost nothing to draw.
func setText(l *widget.Label, s string) {
	if l.Text != s {
		l.SetText(s)
	}
	if s == "" {
		l.Hide()
	} else {
		l.Show()
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
func avatarColor(s string) color.NRGBA {
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

// timeBar is the time left as a shrinking line: one image of the theme's
// colour, stretched (a texture, as the row's text is: see avatar.go),
// where a widget.ProgressBar draws three rectangles, since every visible
// row redraws it each second.
type timeBar struct {
	widget.BaseWidget
	fill *canvas.Image
	frac float32
	warn bool
}

const timeBarWidth, timeBarHeight = 60, 4

func newTimeBar() *timeBar {
	b := &timeBar{fill: newImageObject()}
	b.fill.Image = solid(theme.Color(theme.ColorNamePrimary))
	b.ExtendBaseWidget(b)
	return b
}

func (b *timeBar) set(frac float64, warn bool) {
	if f := float32(frac); f != b.frac || warn != b.warn {
		b.frac, b.warn = f, warn
		b.Refresh()
	}
}

func (b *timeBar) CreateRenderer() fyne.WidgetRenderer { return &timeBarRenderer{b} }

type timeBarRenderer struct{ b *timeBar }

func (r *timeBarRenderer) MinSize() fyne.Size           { return fyne.NewSize(timeBarWidth, timeBarHeight) }
func (r *timeBarRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.b.fill} }
func (r *timeBarRenderer) Destroy()                     {}

func (r *timeBarRenderer) Layout(s fyne.Size) {
	h := float32(timeBarHeight)
	w := s.Width * r.b.frac
	r.b.fill.Move(fyne.NewPos(s.Width-w, (s.Height-h)/2)) // shrinks towards the right edge
	r.b.fill.Resize(fyne.NewSize(w, h))
}

func (r *timeBarRenderer) Refresh() {
	name := theme.ColorNamePrimary
	if r.b.warn {
		name = theme.ColorNameError
	}
	r.b.fill.Image = solid(theme.Color(name)) // theme-aware: follows light/dark
	r.Layout(r.b.Size())
	r.b.fill.Refresh()
}
