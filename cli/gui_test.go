package cli

import (
	"bytes"
	"runtime"
	"strings"
	"testing"
)

// With no command the app opens, unless there is no display for its
// window: then one sentence, not the GUI toolkit's panic.
func TestNoCommandOpensTheApp(t *testing.T) {
	vault := t.TempDir() + "/v.twofold"
	tests := []struct {
		display, wayland string
		wantGUI          bool
	}{
		{":0", "", true},
		{"", "wayland-0", true},
		{"", "", runtime.GOOS == "windows" || runtime.GOOS == "darwin"},
	}
	for _, tt := range tests {
		t.Setenv("DISPLAY", tt.display)
		t.Setenv("WAYLAND_DISPLAY", tt.wayland)
		var gotPath string
		called := false
		gui := func(path string, inTray bool) int { called, gotPath = true, path; return 0 }
		var stderr bytes.Buffer
		code := Run([]string{"--vault", vault}, Env{Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &stderr, GUI: gui})
		if called != tt.wantGUI {
			t.Errorf("DISPLAY=%q WAYLAND_DISPLAY=%q: app opened %v, want %v (stderr %q)", tt.display, tt.wayland, called, tt.wantGUI, stderr.String())
		}
		if tt.wantGUI && (code != 0 || gotPath != vault) {
			t.Errorf("DISPLAY=%q: exit %d, vault %q; want 0 and %q", tt.display, code, gotPath, vault)
		}
		if !tt.wantGUI && (code != ExitFail || strings.Count(stderr.String(), "\n") != 1 || !strings.Contains(stderr.String(), "no display")) {
			t.Errorf("no display: exit %d, stderr %q; want exit %d and one line saying there is no display", code, stderr.String(), ExitFail)
		}
	}
}
