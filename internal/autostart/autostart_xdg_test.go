//go:build linux || freebsd || openbsd || netbsd

package autostart

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnableDisable(t *testing.T) {
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	if on, err := Enabled(); on || err != nil {
		t.Fatalf("Enabled() on a new config = %v, %v", on, err)
	}
	exe := "/opt/my apps/twofold"
	if err := Enable(exe, "--in-tray"); err != nil {
		t.Fatal(err)
	}
	if on, err := Enabled(); !on || err != nil {
		t.Fatalf("Enabled() after Enable = %v, %v", on, err)
	}
	b, err := os.ReadFile(filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "autostart", Name+".desktop"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\nExec=\"/opt/my apps/twofold\" --in-tray\n") || !strings.HasPrefix(string(b), "[Desktop Entry]\n") {
		t.Errorf("the entry reads:\n%s", b)
	}
	if err := Disable(); err != nil {
		t.Fatal(err)
	}
	if on, err := Enabled(); on || err != nil {
		t.Fatalf("Enabled() after Disable = %v, %v", on, err)
	}
	if err := Disable(); err != nil {
		t.Errorf("Disable twice: %v", err)
	}
}

func TestExecQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"/usr/bin/twofold", "/usr/bin/twofold"},
		{"/home/a b/twofold", `"/home/a b/twofold"`},
		{`/weird/$HOME`, `"/weird/\\$HOME"`},
		{`/a"b`, `"/a\\"b"`},
		{`/back\slash`, `"/back\\\\slash"`},
		{"/100%", `"/100%%"`},
		{"", `""`},
	}
	for _, tt := range tests {
		if got := execQuote(tt.in); got != tt.want {
			t.Errorf("execQuote(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}
