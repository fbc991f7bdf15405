package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"twofold/accounts"
	"twofold/internal/qrcorpus"
	"twofold/internal/testenv"
)

// TestAppAndCLITogether: the open window holds no lock, so the command
// line writes the vault while it is open; the window shows what the
// command line wrote, and a write in the window at the same moment as
// one on the command line keeps both.
func TestAppAndCLITogether(t *testing.T) {
	testenv.Display(t)
	testenv.SecretService(t)
	xwininfo := testenv.Tool(t, "xwininfo")
	tray := testenv.TrayWatcher(t)
	dir := t.TempDir()
	vaultPath, env := trayAppEnv(t, dir, `{"systemTray":true,"clockCheck":false,"lockAfterMinutes":0}`,
		&accounts.Account{Issuer: "Pinned Bank", Name: "me", Kind: accounts.TOTP, Algorithm: accounts.SHA1,
			Digits: 6, Period: 30, Secret: []byte("12345678901234567890"), Pinned: true})
	bin := buildBinary(t)
	c := &cliRun{t: t, bin: bin, env: env}
	gui := startApp(t, bin, env)
	// The tray's menu lists the pinned accounts the window holds.
	trayLabels := func() string {
		items := tray.Items()
		if len(items) == 0 {
			return ""
		}
		menu, err := tray.Menu(items[0])
		if err != nil {
			return ""
		}
		var labels []string
		for _, m := range menu {
			labels = append(labels, m.Label)
		}
		return strings.Join(labels, "|")
	}
	if !testenv.Until(30*time.Second, 100*time.Millisecond, func() bool { return strings.Contains(trayLabels(), "Pinned Bank") }) {
		t.Fatalf("the window never showed its pinned account in the tray: %q\n%s", trayLabels(), gui.stderr.String())
	}

	// The command line adds while the window is open...
	c.run("", "add", "otpauth://totp/Command%20Line:added?secret=MFRGGZDFMZTWQ2LK&issuer=Command%20Line")
	// ...and imports a pinned account, which the window shows (in the
	// tray's menu) without being told.
	aegis := filepath.Join(dir, "aegis.json")
	if err := os.WriteFile(aegis, []byte(`{"version":1,"header":{"slots":null,"params":null},"db":{"version":3,"entries":[
		{"type":"totp","uuid":"8b6f1f5e-0000-4000-8000-000000000001","name":"fav","issuer":"Synced","note":"","favorite":true,"icon":null,
		 "info":{"secret":"GEZDGNBVGY3TQOJQ","algo":"SHA1","digits":6,"period":30}}]}}`), 0o600); err != nil {
		t.Fatal(err)
	}
	wrote := time.Now()
	c.run("", "import", aegis)
	if !testenv.Until(30*time.Second, 20*time.Millisecond, func() bool { return strings.Contains(trayLabels(), "Synced: fav") }) {
		t.Fatalf("the window does not show the account the command line imported: %q\n%s", trayLabels(), gui.stderr.String())
	}
	t.Logf("the window showed the command line's account %v after the import ended", time.Since(wrote).Round(time.Millisecond))

	// A write in the window (a dropped QR image) and one on the command
	// line at the same moment: both stay.
	win := windowID(t, xwininfo, "Twofold")
	qr := filepath.Join(dir, "dropped.png")
	if err := os.WriteFile(qr, qrcorpus.PNG("otpauth://totp/Dropped:window?secret=ONSWG4TFOQYTEMZU&issuer=Dropped", 4), 0o600); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var dropErr, addErr error
	wg.Go(func() { dropErr = testenv.DropURIs(win, []string{"file://" + qr}, 20*time.Second) })
	wg.Go(func() {
		add := exec.Command(bin, "add", "otpauth://totp/Command%20Line:racer?secret=MZXW6YTBOI&issuer=Command%20Line")
		add.Env = env
		if out, err := add.CombinedOutput(); err != nil {
			addErr = fmt.Errorf("%v: %s", err, out)
		}
	})
	wg.Wait()
	if dropErr != nil || addErr != nil {
		t.Fatalf("drop: %v; add: %v\n%s", dropErr, addErr, gui.stderr.String())
	}
	want := []string{`"name": "me"`, `"name": "added"`, `"name": "fav"`, `"name": "window"`, `"name": "racer"`}
	var out []byte
	if !testenv.Until(30*time.Second, 100*time.Millisecond, func() bool {
		out = c.run("", "list", "--json")
		for _, w := range want {
			if !bytes.Contains(out, []byte(w)) {
				return false
			}
		}
		return true
	}) {
		t.Fatalf("after a write in the window and one on the command line, the vault holds:\n%s", out)
	}
	var listed []json.RawMessage
	if err := json.Unmarshal(out, &listed); err != nil || len(listed) != len(want) {
		t.Fatalf("%d accounts (%v), want %d:\n%s", len(listed), err, len(want), out)
	}
	if left, _ := filepath.Glob(vaultPath + ".*"); len(left) > 0 {
		t.Errorf("files beside the vault (it may be in a synced folder): %q", left)
	}
}
