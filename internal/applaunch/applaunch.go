// Package applaunch lets the command-line build of twofold (built with
// -tags nogui, without the GUI toolkit, so a command starts in a few
// milliseconds) open the window: it finds the app binary installed
// beside it and hands it the same arguments.
package applaunch

import (
	"fmt"
	"os"
	"path/filepath"
)

// Places is where the app may be, relative to the folder holding the
// command: beside it (the Windows zip and installer, a tarball), or in
// the lib folder of the same prefix (/usr/bin → /usr/lib/twofold).
var places = []string{
	appName,
	filepath.Join("..", "lib", "twofold", appName),
	filepath.Join("..", "libexec", "twofold", appName),
}

// Find returns the app binary for the command at exe.
func Find(exe string) (string, error) {
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	dir := filepath.Dir(exe)
	var looked []string
	for _, p := range places {
		path := filepath.Join(dir, p)
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && !sameFile(st, exe) {
			return path, nil
		}
		looked = append(looked, path)
	}
	return "", fmt.Errorf("the Twofold app is not installed beside this command (looked for %s); reinstall Twofold", looked[0]+" and "+looked[1])
}

// sameFile guards against a layout where the command itself has the
// app's name: it would start itself for ever.
func sameFile(st os.FileInfo, exe string) bool {
	self, err := os.Stat(exe)
	return err == nil && os.SameFile(st, self)
}

// Open starts the app with args (the command's own arguments, which hold
// only global flags when no command was given) and returns the exit
// status the command should end with.
func Open(args []string) int {
	exe, err := os.Executable()
	if err == nil {
		var app string
		if app, err = Find(exe); err == nil {
			err = start(app, args)
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "twofold:", err)
		return 1
	}
	return 0
}
