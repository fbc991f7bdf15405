package applaunch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name string
		cmd  string   // the command, relative to the install root
		apps []string // app binaries present
		want string   // "" = not found
	}{
		{"deb", "usr/bin/twofold", []string{"usr/lib/twofold/" + appName}, "usr/lib/twofold/" + appName},
		{"beside", "opt/twofold/twofold", []string{"opt/twofold/" + appName}, "opt/twofold/" + appName},
		{"libexec", "usr/bin/twofold", []string{"usr/libexec/twofold/" + appName}, "usr/libexec/twofold/" + appName},
		{"beside wins", "usr/bin/twofold", []string{"usr/bin/" + appName, "usr/lib/twofold/" + appName}, "usr/bin/" + appName},
		{"none", "usr/bin/twofold", nil, ""},
		{"a folder is no app", "usr/bin/twofold", []string{"usr/lib/twofold/" + appName + "/"}, ""},
		{"the command itself", "usr/bin/" + appName, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for _, f := range append([]string{tt.cmd}, tt.apps...) {
				p := filepath.Join(root, f)
				if strings.HasSuffix(f, "/") {
					if err := os.MkdirAll(p, 0o755); err != nil {
						t.Fatal(err)
					}
					continue
				}
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte("x"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			got, err := Find(filepath.Join(root, tt.cmd))
			if tt.want == "" {
				if err == nil || !strings.Contains(err.Error(), "not installed") {
					t.Errorf("Find = %q, %v; want an error saying the app is not installed", got, err)
				}
				return
			}
			if err != nil || got != filepath.Join(root, tt.want) {
				t.Errorf("Find = %q, %v; want %q", got, err, filepath.Join(root, tt.want))
			}
		})
	}
}

// A link to the command (as a user's ~/bin/twofold may be) finds the
// app beside the file it points to.
func TestFindThroughLink(t *testing.T) {
	root := t.TempDir()
	for _, f := range []string{"usr/bin/twofold", "usr/lib/twofold/" + appName} {
		p := filepath.Join(root, f)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte("x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	link := filepath.Join(root, "home", "twofold")
	os.MkdirAll(filepath.Dir(link), 0o755)
	if err := os.Symlink(filepath.Join(root, "usr/bin/twofold"), link); err != nil {
		t.Fatal(err)
	}
	if got, err := Find(link); err != nil || got != filepath.Join(root, "usr/lib/twofold", appName) {
		t.Errorf("Find through a link = %q, %v", got, err)
	}
}
