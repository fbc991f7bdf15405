// Package buildinfo says which Twofold this is: the version and build
// number kept in FyneApp.toml (the one place they are written; package
// main embeds the file and calls Load) and the commit Go recorded at
// build time.
package buildinfo

import (
	"fmt"
	"runtime/debug"
	"strconv"
	"strings"
)

// Licence is Twofold's licence, as an SPDX identifier (LICENSE holds
// the text).
const Licence = "Apache-2.0"

// Info is one build's identity.
type Info struct {
	Version string // "0.1.0"; "devel" when FyneApp.toml was not loaded
	Build   string // FyneApp.toml's build number, "" if none
	// Commit is the first 12 hex digits of the commit, "" if unknown.
	// Whether the tree had changes is left out: fyne package adds a file
	// to the tree while it builds, so every packaged build would say so.
	Commit string
}

var current = Info{Version: "devel"}

// Load reads the version and build number from FyneApp.toml's text and
// the commit from the binary's build information.
func Load(fyneAppTOML []byte) {
	// The two keys' lines, read without a TOML parser or a regexp: this
	// runs at every start of every command.
	for line := range strings.Lines(string(fyneAppTOML)) {
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		value = strings.TrimSpace(value)
		switch strings.TrimSpace(key) {
		case "Version":
			if v, err := strconv.Unquote(value); err == nil && v != "" {
				current.Version = v
			}
		case "Build":
			if _, err := strconv.ParseUint(value, 10, 32); err == nil {
				current.Build = value
			}
		}
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				current.Commit = s.Value[:min(12, len(s.Value))]
			}
		}
	}
}

// Current is this build's identity.
func Current() Info { return current }

// String is the version as `twofold --version` prints it, e.g.
// "0.1.0 (build 1, commit 1ab35a5c0d2e)".
func (i Info) String() string {
	s := i.Version
	var extra []any
	format := ""
	if i.Build != "" {
		format += ", build %s"
		extra = append(extra, i.Build)
	}
	if i.Commit != "" {
		format += ", commit %s"
		extra = append(extra, i.Commit)
	}
	if format == "" {
		return s
	}
	return s + " (" + fmt.Sprintf(format[2:], extra...) + ")"
}
