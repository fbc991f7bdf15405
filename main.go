// Twofold is a desktop authenticator. With no arguments it opens the app;
// with a command it runs the CLI (see docs/cli.md).
package main

import (
	"twofold/cli"
	"twofold/ui"
)

func main() { cli.Main(ui.Run) }
