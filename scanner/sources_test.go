package scanner

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"twofold/internal/qrcorpus"
	"twofold/internal/testenv"
)

// TestScanScreenX11 shows a QR code in a real window on the test's X
// server (ImageMagick's display) and finds it on the screen.
func TestScanScreenX11(t *testing.T) {
	testenv.Display(t)
	display := testenv.Tool(t, "display")
	t.Setenv("WAYLAND_DISPLAY", "")
	t.Setenv("XDG_SESSION_TYPE", "x11")
	want := "otpauth://totp/Screen:carol?secret=JBSWY3DPEHPK3PXP&issuer=Screen"
	img := filepath.Join(t.TempDir(), "qr.png")
	os.WriteFile(img, qrcorpus.PNG(want, 4), 0o600)
	cmd := exec.Command(display, "-geometry", "+150+120", "-title", "qr-on-screen", img)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	var got []string
	var err error
	testenv.Until(15*time.Second, 200*time.Millisecond, func() bool {
		got, err = ScanScreen()
		return err == nil
	})
	if err != nil || !slices.Equal(got, []string{want}) {
		t.Fatalf("ScanScreen = %v, %v", got, err)
	}
}

// TestClipboardImage puts a QR image on the X clipboard with xclip (a
// separate process, as another app would) and reads it back.
func TestClipboardImage(t *testing.T) {
	testenv.Display(t)
	xclip := testenv.Tool(t, "xclip")
	want := "otpauth://totp/Clip:dave?secret=JBSWY3DPEHPK3PXP&issuer=Clip"
	img := filepath.Join(t.TempDir(), "qr.png")
	os.WriteFile(img, qrcorpus.PNG(want, 4), 0o600)
	// xclip forks a child that serves the selection: give it no pipes to
	// hold open, or waiting for its output never ends.
	if err := exec.Command(xclip, "-selection", "clipboard", "-t", "image/png", "-i", img).Run(); err != nil {
		t.Fatalf("xclip: %v", err)
	}
	defer exec.Command(xclip, "-selection", "clipboard", "-i", "/dev/null").Run()
	got, err := ClipboardImage()
	if err != nil {
		t.Fatal(err)
	}
	texts, err := DecodeImage(got, 0)
	if err != nil || !slices.Equal(texts, []string{want}) {
		t.Fatalf("decoded %v, %v", texts, err)
	}
	// Text on the clipboard is not an image.
	c := exec.Command(xclip, "-selection", "clipboard", "-i")
	c.Stdin = strings.NewReader("just text")
	c.Run()
	// The X server hands the selection over when xclip's server child
	// has claimed it, which may be a moment after xclip returns.
	if testenv.Until(20*time.Second, 100*time.Millisecond, func() bool {
		_, err = ClipboardImage()
		return errors.Is(err, ErrNoClipboardImage)
	}) {
		return
	}
	t.Errorf("with text on the clipboard: %v, want ErrNoClipboardImage", err)
}

func TestPortalScreenshot(t *testing.T) {
	want := "otpauth://totp/Wayland:erin?secret=JBSWY3DPEHPK3PXP&issuer=Wayland"
	shot := filepath.Join(t.TempDir(), "Screenshot.png")
	os.WriteFile(shot, qrcorpus.PNG(want, 4), 0o600)
	testenv.Portal(t, func(method string, _ map[string]dbus.Variant) (uint32, map[string]dbus.Variant) {
		return 0, map[string]dbus.Variant{"uri": dbus.MakeVariant("file://" + shot)}
	})

	t.Setenv("WAYLAND_DISPLAY", "wayland-0")
	got, err := ScanScreen()
	if err != nil || !slices.Equal(got, []string{want}) {
		t.Fatalf("ScanScreen over the portal = %v, %v", got, err)
	}
	if _, err := os.Stat(shot); !os.IsNotExist(err) {
		t.Error("the portal's screenshot file was left on disk")
	}
}
