package ui

import (
	"fmt"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"twofold/accounts"
)

// drawnObjects counts the visible canvas primitives in the window: what
// the painter draws on every redraw.
func drawnObjects(n int, t *testing.T) int {
	var accts []*accounts.Account
	for i := range n {
		accts = append(accts, &accounts.Account{Issuer: fmt.Sprintf("Site %03d", i), Name: "me", Kind: accounts.TOTP,
			Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret number %03d", i))})
	}
	at := time.Unix(1000, 0)
	_, w := newTestGUI(t, &at, accts...)
	count := 0
	for _, o := range test.LaidOutObjects(w.Content()) {
		_, isWidget := o.(fyne.Widget)
		_, isContainer := o.(*fyne.Container)
		if o.Visible() && !isWidget && !isContainer {
			count++
		}
	}
	return count
}

// TestDrawCostIndependentOfAccounts: 500 accounts draw no more than 20
// do (the list makes rows only for what is on screen).
func TestDrawCostIndependentOfAccounts(t *testing.T) {
	few, many := drawnObjects(20, t), drawnObjects(500, t)
	if many > few {
		t.Errorf("500 accounts draw %d objects, 20 draw %d", many, few)
	}
}
