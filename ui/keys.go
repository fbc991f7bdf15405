package ui

import (
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"twofold/internal/i18n"
)

// entry is a widget.Entry with a desktop dialog's keyboard habits, which
// Fyne's dialogs lack: Escape cancels the dialog on top, and Enter in a
// one-line field presses its default button (when it is enabled; else
// it moves to the next field). An entry's own OnSubmitted comes first.
type entry struct {
	widget.Entry
	g        *gui
	onEscape func() bool // handles Escape itself when it returns true
}

func (g *gui) newEntry() *entry {
	e := &entry{g: g}
	e.ExtendBaseWidget(e)
	return e
}

func (g *gui) newMultiLineEntry() *entry {
	e := g.newEntry()
	e.MultiLine, e.Wrapping = true, fyne.TextWrapWord
	return e
}

// newPasswordEntry hides what is typed, with a button that shows it.
func (g *gui) newPasswordEntry() *entry {
	e := g.newEntry()
	e.Password = true
	var reveal *widget.Button
	reveal = widget.NewButtonWithIcon("", theme.VisibilityIcon(), func() {
		e.Password = !e.Password
		reveal.SetIcon(map[bool]fyne.Resource{true: theme.VisibilityIcon(), false: theme.VisibilityOffIcon()}[e.Password])
		e.Refresh()
	})
	reveal.Importance = widget.LowImportance
	e.ActionItem = reveal
	return e
}

func (e *entry) TypedKey(k *fyne.KeyEvent) {
	switch k.Name {
	case fyne.KeyEscape:
		if e.onEscape == nil || !e.onEscape() {
			e.g.escape()
		}
		return
	case fyne.KeyReturn, fyne.KeyEnter:
		if !e.MultiLine && e.OnSubmitted == nil {
			e.g.submit()
			return
		}
	}
	e.Entry.TypedKey(k)
}

// dismissTexts are the buttons that close a dialog without doing
// anything, in the order Escape looks for them.
// (in Twofold's language, and in Fyne's for its own file dialogs).
var dismissTexts = []string{i18n.Key("Cancel"), i18n.Key("No"), i18n.Key("Close"), i18n.Key("Done"), i18n.Key("OK")}

// escape closes the dialog on top as its own dismiss button would (so
// its callbacks run), or a pop-up menu.
func (g *gui) escape() {
	top := g.win.Canvas().Overlays().Top()
	if top == nil {
		return
	}
	for _, text := range dismissTexts {
		if b := findButton(top, func(b *widget.Button) bool { return b.Text == i18n.T(text) || b.Text == lang.L(text) }); b != nil {
			if !b.Disabled() && b.OnTapped != nil {
				b.OnTapped()
			}
			return
		}
	}
	if _, ok := top.(*widget.PopUpMenu); ok {
		top.Hide()
	}
}

// submit presses the default (high importance) button of the dialog on
// top, if it is enabled; otherwise it moves to the next field.
func (g *gui) submit() {
	c := g.win.Canvas()
	if top := c.Overlays().Top(); top != nil {
		b := findButton(top, func(b *widget.Button) bool { return b.Importance == widget.HighImportance && b.Visible() })
		if b != nil && !b.Disabled() && b.OnTapped != nil {
			b.OnTapped()
			return
		}
	}
	c.FocusNext()
}

// findButton is the first visible button under o that ok accepts. It
// looks through containers and anything with a Content (pop-ups, and the
// overlay Fyne wraps them in), where dialogs keep their buttons, not into
// other widgets.
func findButton(o fyne.CanvasObject, ok func(*widget.Button) bool) *widget.Button {
	if o == nil || !o.Visible() {
		return nil
	}
	var children []fyne.CanvasObject
	switch w := o.(type) {
	case *widget.Button:
		if ok(w) {
			return w
		}
		return nil
	case *fyne.Container:
		children = w.Objects
	default:
		if c := contentOf(o); c != nil {
			children = []fyne.CanvasObject{c}
		}
	}
	for _, c := range children {
		if b := findButton(c, ok); b != nil {
			return b
		}
	}
	return nil
}

// contentOf is o's exported Content field, if it has one. Fyne keeps a
// pop-up in an overlay container of an internal type, whose Content
// field is exported: reflection is the only way to it.
func contentOf(o fyne.CanvasObject) fyne.CanvasObject {
	v := reflect.ValueOf(o)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	f := v.Elem().FieldByName("Content")
	if !f.IsValid() || !f.CanInterface() {
		return nil
	}
	c, _ := f.Interface().(fyne.CanvasObject)
	return c
}
