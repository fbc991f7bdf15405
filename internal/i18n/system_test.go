//go:build linux || freebsd || netbsd || openbsd

package i18n

import "testing"

// On these systems the language list comes from the environment.
func TestSystem(t *testing.T) {
	for _, tc := range []struct{ language, lang, want string }{
		{"", "fr_FR.UTF-8", "fr"},
		{"de:fr", "en_US.UTF-8", "fr"},
		{"", "C.UTF-8", "en"},
		{"", "de_DE.UTF-8", "en"},
	} {
		t.Setenv("LANGUAGE", tc.language)
		t.Setenv("LC_ALL", "")
		t.Setenv("LC_MESSAGES", "")
		t.Setenv("LANG", tc.lang)
		if got := System(); got != tc.want {
			t.Errorf("LANGUAGE=%q LANG=%q: %q, want %q", tc.language, tc.lang, got, tc.want)
		}
	}
}
