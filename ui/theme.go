package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// appTheme is Fyne's default theme, held to light or dark if the user
// chose one (held), else following the system, with the colours that fall
// short of WCAG AA contrast replaced: text 4.5:1 against what it sits
// on, the outline of a control (an entry, an unticked box or radio)
// 3:1. Fyne's own light theme draws unselected radios and checks in a
// grey of 1.3:1, so they looked disabled. theme_test.go measures every
// pair in both variants.
type appTheme struct {
	fyne.Theme
	held    bool
	variant fyne.ThemeVariant
}

// contrastFixes are the replaced colours, per variant.
var contrastFixes = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNamePrimary:     hex(0x1f64e0), // white on it 5.3:1 (was 4.47)
		theme.ColorNameHyperlink:   hex(0x1f64e0),
		theme.ColorNamePlaceHolder: hex(0x6b6b6b), // 4.8:1 on an entry (was 3.2)
		theme.ColorNameError:       hex(0xc62828), // 5.6:1 (was 3.7)
		theme.ColorNameWarning:     hex(0x9a5500), // 5.7:1 (was 2.2)
		theme.ColorNameSuccess:     hex(0x2a7a2e), // 5.4:1 (was 1.5)
		theme.ColorNameInputBorder: hex(0x858585), // 3.3:1 (was 1.2)
		// Disabled controls are exempt, but Fyne draws low-importance
		// text (a used recovery code) in this colour too: 3.5:1 (was 1.3).
		theme.ColorNameDisabled: hex(0x8a8a8a),
	},
	theme.VariantDark: {
		theme.ColorNamePrimary:     hex(0x1f64e0), // white on it 5.3:1; 3.4:1 on the background
		theme.ColorNameHyperlink:   hex(0x5c9aff), // 6.4:1 (was 4.0)
		theme.ColorNameInputBorder: hex(0x75757a), // 3.2:1 on a button, 3.9 on the background (was 1.6)
		theme.ColorNameDisabled:    hex(0x707074), // 3.6:1 (was 1.6)
	},
}

func hex(rgb uint32) color.Color {
	return color.NRGBA{R: uint8(rgb >> 16), G: uint8(rgb >> 8), B: uint8(rgb), A: 0xff}
}

func (t appTheme) Color(n fyne.ThemeColorName, v fyne.ThemeVariant) color.Color {
	if t.held {
		v = t.variant
	}
	if c, ok := contrastFixes[v][n]; ok {
		return c
	}
	return t.Theme.Color(n, v)
}
