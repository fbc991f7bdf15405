package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"twofold/accounts"
	"twofold/internal/testenv"
)

// TestTray runs the real app with the tray on, against a stand-in tray
// host on the session bus: its icon registers; the menu lists the pinned
// account with its code (not the unpinned one), and clicking it copies
// the code; closing the window leaves the app running in the tray, and
// starting Twofold again brings the window back.
func TestTray(t *testing.T) {
	testenv.Display(t)
	testenv.SecretService(t)
	xwininfo := testenv.Tool(t, "xwininfo")
	xclip := testenv.Tool(t, "xclip")
	tray := testenv.TrayWatcher(t)
	dir := t.TempDir()
	pinned := &accounts.Account{Issuer: "Pinned Bank", Name: "me", Kind: accounts.TOTP, Algorithm: accounts.SHA1,
		Digits: 6, Period: 30, Secret: []byte("12345678901234567890"), Pinned: true}
	other := &accounts.Account{Issuer: "Other", Name: "you", Kind: accounts.TOTP, Algorithm: accounts.SHA1,
		Digits: 6, Period: 30, Secret: []byte("another secret 1234")}
	_, env := trayAppEnv(t, dir, `{"systemTray":true,"keepRunningInTray":true,"clockCheck":false,"lockAfterMinutes":0}`, pinned, other)
	bin := buildBinary(t)
	gui := startApp(t, bin, env)
	running := func() bool { gone, _ := gui.gone(); return !gone }
	mapState := func() string {
		out, _ := exec.Command(xwininfo, "-name", "Twofold").Output()
		for _, l := range strings.Split(string(out), "\n") {
			if s, ok := strings.CutPrefix(strings.TrimSpace(l), "Map State: "); ok {
				return s
			}
		}
		return ""
	}
	if !testenv.Until(30*time.Second, 100*time.Millisecond, func() bool { return mapState() == "IsViewable" || !running() }) || !running() {
		t.Fatalf("no Twofold window\n%s", gui.stderr.String())
	}
	if !testenv.Until(30*time.Second, 100*time.Millisecond, func() bool { return len(tray.Items()) > 0 }) {
		t.Fatalf("no tray icon registered\n%s", gui.stderr.String())
	}
	item := tray.Items()[0]

	var menu []testenv.TrayMenuItem
	var err error
	var labels []string
	if !testenv.Until(20*time.Second, 100*time.Millisecond, func() bool {
		menu, err = tray.Menu(item)
		labels = labels[:0]
		for _, m := range menu {
			labels = append(labels, m.Label)
		}
		return err == nil && len(menu) >= 4
	}) {
		t.Fatalf("the tray menu: %v, %v", labels, err)
	}
	var codeItem testenv.TrayMenuItem
	for _, m := range menu {
		if strings.HasPrefix(m.Label, pinned.Label()) {
			codeItem = m
		}
		if strings.Contains(m.Label, "Other") {
			t.Errorf("an unpinned account is in the tray menu: %q", m.Label)
		}
	}
	for _, want := range []string{"Show Twofold", "Quit"} {
		if !strings.Contains(strings.Join(labels, "|"), want) {
			t.Errorf("no %q in the tray menu %q", want, labels)
		}
	}
	if codeItem.Label == "" {
		t.Fatalf("the pinned account is not in the tray menu %q", labels)
	}
	// The label shows the code of now (or of a moment ago, at a boundary).
	codesNear := func() []string {
		var out []string
		for _, d := range []time.Duration{-31 * time.Second, 0, time.Second} {
			c, _ := pinned.Code(time.Now().Add(d))
			out = append(out, c)
		}
		return out
	}
	shown := strings.ReplaceAll(strings.TrimSpace(strings.TrimPrefix(codeItem.Label, pinned.Label())), " ", "")
	if !contains(codesNear(), shown) {
		t.Errorf("the tray shows %q for %s, want one of %v", codeItem.Label, pinned.Label(), codesNear())
	}
	if err := tray.Click(item, codeItem.ID); err != nil {
		t.Fatal(err)
	}
	var clip string
	if !testenv.Until(10*time.Second, 100*time.Millisecond, func() bool {
		out, _ := exec.Command(xclip, "-selection", "clipboard", "-o").Output()
		clip = string(out)
		return contains(codesNear(), clip)
	}) {
		t.Errorf("after a click on the tray's entry the clipboard holds %q, want one of %v", clip, codesNear())
	}

	// Closing the window (the window manager's WM_DELETE_WINDOW) hides it.
	if err := deleteWindow(t, xwininfo, "Twofold"); err != nil {
		t.Fatal(err)
	}
	if !testenv.Until(20*time.Second, 100*time.Millisecond, func() bool { return mapState() != "IsViewable" }) {
		t.Fatal("the window is still shown after it was closed")
	}
	if !running() {
		t.Fatalf("the app quit when its window closed, with the tray on\n%s", gui.stderr.String())
	}
	// Starting Twofold again shows the window of the running one.
	second := exec.Command(bin)
	second.Env = env
	if out, err := second.CombinedOutput(); err != nil {
		t.Fatalf("the second start: %v: %s", err, out)
	}
	if !testenv.Until(20*time.Second, 100*time.Millisecond, func() bool { return mapState() == "IsViewable" }) {
		t.Fatal("the window did not come back from the tray")
	}
	if strings.Contains(gui.stderr.String(), "GEZDGNBVGY3TQOJQ") {
		t.Error("the GUI logged a secret")
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// deleteWindow asks the window named title to close, as a window
// manager does when its close button is pressed (ICCCM WM_DELETE_WINDOW).
func deleteWindow(t *testing.T, xwininfo, title string) error {
	x, err := xgb.NewConn()
	if err != nil {
		return err
	}
	defer x.Close()
	atom := func(name string) xproto.Atom {
		r, err := xproto.InternAtom(x, false, uint16(len(name)), name).Reply()
		if err != nil {
			t.Fatal(err)
		}
		return r.Atom
	}
	win := windowID(t, xwininfo, title)
	ev := xproto.ClientMessageEvent{Format: 32, Window: win, Type: atom("WM_PROTOCOLS"),
		Data: xproto.ClientMessageDataUnionData32New([]uint32{uint32(atom("WM_DELETE_WINDOW")), xproto.TimeCurrentTime, 0, 0, 0})}
	return xproto.SendEventChecked(x, false, win, xproto.EventMaskNoEvent, string(ev.Bytes())).Check()
}

// trayAppEnv makes a keyring vault holding accts in dir, and preferences
// of the app's own there (prefs, JSON), and returns the vault's path and
// the environment that runs Twofold on them.
func trayAppEnv(t *testing.T, dir, prefs string, accts ...*accounts.Account) (string, []string) {
	t.Helper()
	vaultPath := filepath.Join(dir, "vault.twofold")
	v, err := accounts.Create(vaultPath, accounts.KeyringSlot{})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range accts {
		if err := v.Add(a); err != nil {
			t.Fatal(err)
		}
	}
	if err := v.Save(); err != nil {
		t.Fatal(err)
	}
	v.Close()
	config := filepath.Join(dir, "config")
	prefsDir := filepath.Join(config, "fyne", "app.twofold.Twofold")
	if err := os.MkdirAll(prefsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(prefsDir, "preferences.json"), []byte(prefs), 0o600); err != nil {
		t.Fatal(err)
	}
	return vaultPath, append(os.Environ(), "LANGUAGE=en", "TWOFOLD_VAULT="+vaultPath, "XDG_CONFIG_HOME="+config, "LANG=C.UTF-8", "TWOFOLD_YUBIKEY=no reader in tests")
}
