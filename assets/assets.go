// Package assets holds Twofold's bundled resources as plain bytes, so
// that it stays free of the GUI toolkit.
package assets

//go:generate go run gen_icons.go

import _ "embed"

// Icon is the app icon, a 512x512 PNG (also named in FyneApp.toml).
//
//go:embed icon.png
var Icon []byte
