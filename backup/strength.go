package backup

import (
	"math"
	"strings"
	"unicode"

	"twofold/accounts"
	"twofold/internal/i18n"
)

// MinPasswordLength is the shortest backup password Twofold accepts: the
// vault's rule.
const MinPasswordLength = accounts.MinPasswordLength

// Strength rates a password from 0 (very weak) to 4 (strong) by a rough
// entropy estimate: length times the bits of the kinds of characters
// used, less for repeats and sequences. It is a hint for the user, not
// a guarantee.
func Strength(pw string) (score int, label string) {
	labels := []string{i18n.T("very weak"), i18n.T("weak"), i18n.T("fair"), i18n.T("good"), i18n.T("strong")}
	var lower, upper, digit, other bool
	distinct := map[rune]bool{}
	runs := 0
	prev := rune(-1)
	for _, r := range pw {
		switch {
		case unicode.IsLower(r):
			lower = true
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
		if r == prev || r == prev+1 {
			runs++
		}
		distinct[r] = true
		prev = r
	}
	pool := 0
	for _, c := range []struct {
		has  bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if c.has {
			pool += c.size
		}
	}
	n := len([]rune(pw)) - runs/2
	if n > 0 && len(distinct) < n/2 {
		n = len(distinct) * 2
	}
	bits := 0.0
	if pool > 0 && n > 0 {
		bits = float64(n) * math.Log2(float64(pool))
	}
	if common(pw) {
		bits = min(bits, 10)
	}
	switch {
	case len([]rune(pw)) < MinPasswordLength || bits < 36:
		score = 0
	case bits < 50:
		score = 1
	case bits < 64:
		score = 2
	case bits < 80:
		score = 3
	default:
		score = 4
	}
	return score, labels[score]
}

func common(pw string) bool {
	l := strings.ToLower(pw)
	for _, c := range []string{"password", "passwort", "motdepasse", "123456", "qwerty", "azerty", "letmein", "welcome", "twofold", "iloveyou", "admin"} {
		if strings.Contains(l, c) {
			return true
		}
	}
	return false
}
