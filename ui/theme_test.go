package ui

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// TestContrast measures the theme's colours against WCAG 2.1 AA in both
// variants: text 4.5:1 on what it is drawn on, a control's outline 3:1
// (success criterion 1.4.11). Disabled controls are exempt.
func TestContrast(t *testing.T) {
	pairs := []struct {
		fg, bg fyne.ThemeColorName
		min    float64
	}{
		{theme.ColorNameForeground, theme.ColorNameBackground, 4.5},
		{theme.ColorNameForeground, theme.ColorNameInputBackground, 4.5},
		{theme.ColorNameForeground, theme.ColorNameButton, 4.5},
		{theme.ColorNameForegroundOnPrimary, theme.ColorNamePrimary, 4.5},
		{theme.ColorNameForegroundOnError, theme.ColorNameError, 4.5},
		{theme.ColorNamePlaceHolder, theme.ColorNameInputBackground, 4.5},
		{theme.ColorNameError, theme.ColorNameBackground, 4.5},
		{theme.ColorNameWarning, theme.ColorNameBackground, 4.5},
		{theme.ColorNameSuccess, theme.ColorNameBackground, 4.5},
		{theme.ColorNameHyperlink, theme.ColorNameBackground, 4.5},
		{theme.ColorNamePrimary, theme.ColorNameBackground, 3},
		{theme.ColorNameInputBorder, theme.ColorNameBackground, 3},
		{theme.ColorNameInputBorder, theme.ColorNameInputBackground, 3},
		{theme.ColorNameInputBorder, theme.ColorNameButton, 3},
		{theme.ColorNameDisabled, theme.ColorNameBackground, 3},
	}
	for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark} {
		th := appTheme{Theme: theme.DefaultTheme(), held: true, variant: v}
		for _, p := range pairs {
			// The variant is held: asking for the other must not matter.
			got := contrast(th.Color(p.fg, 1-v), th.Color(p.bg, 1-v))
			if got < p.min {
				t.Errorf("variant %d: %s on %s is %.2f:1, under %.1f:1", v, p.fg, p.bg, got, p.min)
			}
		}
	}
}

// contrast is WCAG's contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
