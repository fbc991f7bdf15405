// Twofold is a desktop authenticator. With no arguments it opens the app;
// with a command it runs the CLI (see docs/cli.md). Built with -tags
// nogui it is the command line alone, which starts the app binary
// installed beside it for the window (gui_nogui.go).
package main

import (
	_ "embed"

	"twofold/cli"
	"twofold/internal/buildinfo"
)

// fyneApp holds the version and build number (FyneApp.toml is also what
// Fyne's packaging tool reads).
//
//go:embed FyneApp.toml
var fyneApp []byte

func main() {
	buildinfo.Load(fyneApp)
	cli.Main(gui)
}
