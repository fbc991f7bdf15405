package assets

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestIcons: each size gen_icons.go draws is there, at its size, and
// icon.png is the 512 px one (go generate ./assets redraws them).
func TestIcons(t *testing.T) {
	for _, px := range []int{16, 24, 32, 48, 64, 128, 256, 512} {
		b, err := os.ReadFile(filepath.Join("icons", fmt.Sprintf("twofold-%d.png", px)))
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width != px || cfg.Height != px {
			t.Errorf("twofold-%d.png is %dx%d (%v)", px, cfg.Width, cfg.Height, err)
		}
		if px == 512 && !bytes.Equal(b, Icon) {
			t.Error("icon.png is not icons/twofold-512.png: run go generate ./assets")
		}
	}
}
