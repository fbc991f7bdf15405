package buildinfo

import "testing"

func TestLoad(t *testing.T) {
	saved := current
	defer func() { current = saved }()
	current = Info{Version: "devel"}
	Load([]byte("[Details]\n  Icon = \"assets/icon.png\"\n  Version = \"1.2.3\"\n  Build = 7\n"))
	got := Current()
	if got.Version != "1.2.3" || got.Build != "7" {
		t.Errorf("Load read %+v, want version 1.2.3, build 7", got)
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		in   Info
		want string
	}{
		{Info{Version: "devel"}, "devel"},
		{Info{Version: "0.1.0", Build: "1"}, "0.1.0 (build 1)"},
		{Info{Version: "0.1.0", Build: "1", Commit: "1ab35a5c0d2e"}, "0.1.0 (build 1, commit 1ab35a5c0d2e)"},
		{Info{Version: "0.1.0", Commit: "1ab35a5c0d2e"}, "0.1.0 (commit 1ab35a5c0d2e)"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}
