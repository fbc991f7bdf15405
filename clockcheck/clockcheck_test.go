package clockcheck

import (
	"strings"
	"testing"
	"time"

	"twofold/internal/testenv"
)

// TestOffsetAgainstLoopbackServer asks an NTP responder on loopback that
// answers with a chosen offset.
func TestOffsetAgainstLoopbackServer(t *testing.T) {
	for _, shift := range []time.Duration{0, 42 * time.Second, -90 * time.Second, 3 * time.Hour} {
		addr := testenv.NTPServer(t, shift)
		got, err := Offset(addr, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if d := got - shift; d < -time.Second || d > time.Second {
			t.Errorf("server %v ahead: offset %v", shift, got)
		}
	}
}

func TestOffsetNoServer(t *testing.T) {
	if _, err := Offset("127.0.0.1:9", 300*time.Millisecond); err == nil {
		t.Error("no error from a port with no server")
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct {
		off  time.Duration
		want string
	}{
		{0, ""},
		{9 * time.Second, ""},
		{-9 * time.Second, ""},
		{42 * time.Second, "clock is 42s behind"},
		{-90 * time.Second, "clock is 1m30s ahead"},
	}
	for _, tt := range tests {
		got := Describe(tt.off)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("Describe(%v) = %q, want %q", tt.off, got, tt.want)
		}
	}
}
