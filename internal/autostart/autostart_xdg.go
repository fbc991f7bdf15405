//go:build linux || freebsd || openbsd || netbsd

package autostart

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"twofold/internal/securefile"
)

// entryPath is $XDG_CONFIG_HOME/autostart/NAME.desktop (XDG Autostart
// Specification).
func entryPath() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("find the autostart folder: %w", err)
	}
	return filepath.Join(dir, "autostart", Name+".desktop"), nil
}

func enabled() (bool, error) {
	p, err := entryPath()
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

func enable(exe string, args []string) error {
	p, err := entryPath()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return fmt.Errorf("make the autostart folder: %w", err)
	}
	words := []string{execQuote(exe)}
	for _, a := range args {
		words = append(words, execQuote(a))
	}
	entry := "[Desktop Entry]\nType=Application\nName=Twofold\nComment=Two-factor codes in the system tray\n" +
		"Exec=" + strings.Join(words, " ") + "\nIcon=" + Name + "\nTerminal=false\nX-GNOME-Autostart-enabled=true\n"
	if err := securefile.Write(p, []byte(entry)); err != nil {
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}

func disable() error {
	p, err := entryPath()
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove %s: %w", p, err)
	}
	return nil
}

// execQuote quotes an argument of a desktop entry's Exec key. The
// quoting rule (inside double quotes, a backslash before ", `, $ and \)
// comes first, then the string escape that doubles every backslash, and
// a literal % is written %% (Desktop Entry Specification, "The Exec
// key").
func execQuote(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n\"'\\><~|&;$*?#()`%") {
		return s
	}
	q := `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "`", "\\`", `$`, `\$`).Replace(s) + `"`
	return strings.ReplaceAll(strings.ReplaceAll(q, `\`, `\\`), "%", "%%")
}
