//go:build !nogui

package main

import "twofold/ui"

// gui opens the window in this process.
var gui = ui.Run
