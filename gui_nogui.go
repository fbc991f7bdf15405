//go:build nogui

package main

import (
	"os"

	"twofold/internal/applaunch"
)

// gui, in the command-line build (-tags nogui), starts the app binary
// installed beside this one: linking the GUI toolkit would add its
// initialisation to every command's start-up.
func gui(string, bool) int { return applaunch.Open(os.Args[1:]) }
