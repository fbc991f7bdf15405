package ui

import "fyne.io/fyne/v2"

// do runs f on Fyne's UI goroutine; every update from another goroutine
// goes through it. It is fyne.Do, except in tests: Fyne's test driver
// runs fyne.Do at once on the calling goroutine, which would race with
// the test, so the tests queue f and run it on their own goroutine.
var do = fyne.Do
