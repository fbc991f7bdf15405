package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"twofold/accounts"
)

func TestCountObjects(t *testing.T) {
	var accts []*accounts.Account
	for i := range 500 {
		accts = append(accts, &accounts.Account{Issuer: fmt.Sprintf("Site %03d", i), Name: "me", Kind: accounts.TOTP,
			Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret number %03d", i))})
	}
	at := time.Unix(1000, 0)
	_, w := newTestGUI(t, &at, accts...)
	kinds := map[string]int{}
	n := 0
	for _, o := range test.LaidOutObjects(w.Content()) {
		if !o.Visible() {
			continue
		}
		if _, isWidget := o.(fyne.Widget); !isWidget {
			if _, isC := o.(*fyne.Container); !isC {
				kinds[fmt.Sprintf("%T", o)]++
				n++
			}
		}
	}
	t.Logf("%d drawn objects: %v (laid out %d)", n, kinds, len(test.LaidOutObjects(w.Content())))
}
