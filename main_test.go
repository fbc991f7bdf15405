package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jezek/xgb/xproto"

	"twofold/accounts"
	"twofold/internal/hostile"
	"twofold/internal/qrcorpus"
	"twofold/internal/testenv"
)

// buildBinary builds the real twofold binary (the app, which runs the
// commands too).
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "twofold")
	goBuild(t, bin)
	return bin
}

// buildInstalled builds the two programs as the .deb installs them: the
// command line (-tags nogui) as usr/bin/twofold, the app as
// usr/lib/twofold/twofold-app. It returns the command.
func buildInstalled(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	cmd := filepath.Join(root, "usr", "bin", "twofold")
	goBuild(t, cmd, "-tags", "nogui")
	goBuild(t, filepath.Join(root, "usr", "lib", "twofold", "twofold-app"))
	return cmd
}

func goBuild(t *testing.T, out string, flags ...string) {
	t.Helper()
	args := append(append([]string{"build"}, flags...), "-o", out, ".")
	if msg, err := exec.Command("go", args...).CombinedOutput(); err != nil {
		t.Fatalf("go %v: %v\n%s", args, err, msg)
	}
}

// The command line does not link the GUI toolkit: its start-up would
// pay for the toolkit's initialisation (twice as long).
func TestCommandLineWithoutGUI(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-tags", "nogui", ".").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, gui := range []string{"fyne.io/", "github.com/go-gl/", "twofold/ui"} {
			if strings.HasPrefix(dep, gui) {
				t.Errorf("the nogui build links %s", dep)
			}
		}
	}
}

type cliRun struct {
	t      *testing.T
	bin    string
	env    []string
	stderr bytes.Buffer // everything the program said on stderr
	stdout bytes.Buffer
}

func (c *cliRun) run(stdin string, args ...string) []byte {
	c.t.Helper()
	cmd := exec.Command(c.bin, args...)
	cmd.Env = c.env
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	c.stderr.Write(errb.Bytes())
	c.stdout.Write(out.Bytes())
	if err != nil {
		c.t.Fatalf("twofold %v: %v\n%s", args, err, errb.String())
	}
	return out.Bytes()
}

// oathtoolCode computes a code with Debian's oathtool. An HOTP code with
// counter C is the TOTP code for time C with a 1 s step (RFC 6238 is
// HOTP of the time step), which lets oathtool check SHA-256/512 HOTP too.
func oathtoolCode(t *testing.T, a *accounts.Account, at int64) string {
	t.Helper()
	step, now := a.Period, at
	if a.Kind == accounts.HOTP {
		step, now = 1, int64(a.Counter)
	}
	out, err := exec.Command("oathtool", "-b", "--totp="+strings.ToLower(string(a.Algorithm)), "--digits", fmt.Sprint(a.Digits),
		"--time-step-size", fmt.Sprintf("%ds", step), "--now", fmt.Sprintf("@%d", now), accounts.EncodeSecret(a.Secret)).CombinedOutput()
	if err != nil {
		t.Fatalf("oathtool: %v: %s", err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestEndToEnd drives the built binary against the real Secret Service:
// the seven fixture accounts go in with add, come out of code --json with
// oathtool's codes, and no secret shows up in any file or on stderr.
func TestEndToEnd(t *testing.T) {
	testenv.SecretService(t)
	testenv.Tool(t, "oathtool")
	dir := t.TempDir()
	// The local state (kept copies, lock, device) inside dir too: every
	// file Twofold writes is searched for secrets below.
	c := &cliRun{t: t, bin: buildInstalled(t), env: append(os.Environ(), "LANGUAGE=en", "TWOFOLD_VAULT="+filepath.Join(dir, "cfg", "vault.twofold"),
		"TWOFOLD_STATE="+filepath.Join(dir, "state"))}
	plain, err := os.ReadFile("accounts/testdata/plain.txt")
	if err != nil {
		t.Fatal(err)
	}
	var want []*accounts.Account
	for _, line := range strings.Split(strings.TrimSpace(string(plain)), "\n") {
		a, err := accounts.ParseURI(line)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, a)
		c.run("", "add", line) // one by one, as a user pasting them would
	}

	for _, at := range []int64{59, 1111111109, 1234567890, 2000000000, time.Now().Unix()} {
		var got []struct{ Issuer, Name, Type, Code string }
		if err := json.Unmarshal(c.run("", "code", "--json", "--at", fmt.Sprint(at)), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("code --json gave %d accounts, want %d", len(got), len(want))
		}
		for i, a := range want {
			if got[i].Issuer != a.Issuer || got[i].Name != a.Name || got[i].Type != string(a.Kind) {
				t.Fatalf("entry %d is %+v, want %s", i, got[i], a.Label())
			}
			if a.Kind == accounts.Steam {
				continue // oathtool has no Steam mode; TestSteam checks published vectors
			}
			if w := oathtoolCode(t, a, at); got[i].Code != w {
				t.Errorf("%s at %d: twofold %s, oathtool %s", a.Label(), at, got[i].Code, w)
			}
		}
	}

	// A session of everything else, then look for the secrets everywhere.
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("a password\n"), 0o600)
	c.run("", "list")
	c.run("", "list", "--json")
	c.run("", "next", "issuu")
	c.run("", "vault", "protect", "--password", "--password-file", pw)
	c.run("", "vault", "unprotect", "--keyring")
	c.run("", "vault", "info")
	c.run("", "code", "--password-file", pw)
	var ids []struct{ ID string }
	json.Unmarshal(c.run("", "list", "--json", "--password-file", pw), &ids)
	c.run("", "remove", ids[0].ID, "--password-file", pw)

	var files []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) < 4 {
		t.Fatalf("only %d files written: %v", len(files), files)
	}
	for _, a := range want {
		forms := [][]byte{a.Secret, []byte(accounts.EncodeSecret(a.Secret)), []byte(strings.ToLower(accounts.EncodeSecret(a.Secret)))}
		for _, f := range files {
			data, _ := os.ReadFile(f)
			for _, s := range forms {
				if bytes.Contains(data, s) {
					t.Errorf("%s holds the secret of %s", f, a.Label())
				}
			}
		}
		for _, s := range forms {
			if bytes.Contains(c.stderr.Bytes(), s) || bytes.Contains(c.stdout.Bytes(), s) {
				t.Errorf("the CLI printed the secret of %s", a.Label())
			}
		}
	}
	for _, f := range files {
		if st, _ := os.Stat(f); st.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s has mode %v: others can read it", f, st.Mode().Perm())
		}
	}
}

// TestGUISmoke starts the real command with no arguments under Xvfb, as
// installed (it starts the app beside it): a window called Twofold
// appears, stays up, and draws something.
func TestGUISmoke(t *testing.T) {
	testenv.Display(t)
	testenv.SecretService(t)
	xwininfo := testenv.Tool(t, "xwininfo")
	importCmd := testenv.Tool(t, "import")
	dir := t.TempDir()
	bin := buildInstalled(t)
	// TWOFOLD_YUBIKEY: the window must not look at the readers other
	// packages' tests use.
	env := append(os.Environ(), "LANGUAGE=en", "TWOFOLD_VAULT="+filepath.Join(dir, "vault.twofold"), "LANG=C.UTF-8",
		"TWOFOLD_NTP_SERVER="+testenv.NTPServer(t, 0), "TWOFOLD_YUBIKEY=no reader in tests")
	c := &cliRun{t: t, bin: bin, env: env}
	plain, _ := os.ReadFile("accounts/testdata/plain.txt")
	c.run(string(plain), "add", "-")

	gui := startApp(t, bin, env)

	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := exec.Command(xwininfo, "-root", "-tree").Output()
		if bytes.Contains(out, []byte(`"Twofold"`)) {
			break
		}
		if gone, err := gui.gone(); gone {
			t.Fatalf("the app exited: %v\n%s", err, gui.stderr.String())
		}
		if time.Now().After(deadline) {
			t.Fatalf("no Twofold window after 20 s\n%s", gui.stderr.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Wait until the window has drawn (a busy machine may take seconds),
	// and check it is still up then.
	shot := filepath.Join(dir, "screen.png")
	colours := 0
	poll := time.NewTicker(200 * time.Millisecond)
	defer poll.Stop()
	for deadline := time.Now().Add(60 * time.Second); ; <-poll.C {
		if gone, err := gui.gone(); gone {
			t.Fatalf("the app exited after showing its window: %v\n%s", err, gui.stderr.String())
		}
		if colours = screenColours(t, importCmd, shot); colours >= 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the screen has only %d colours after 60 s: the window drew nothing", colours)
		}
	}
	// Drag and drop, as X clients do it (XDND): a QR image file from a
	// file manager, and an image from a web browser, which drops its
	// address (served here on loopback).
	win := windowID(t, xwininfo, "Twofold")
	qr := filepath.Join(dir, "dropped.png")
	if err := os.WriteFile(qr, qrcorpus.PNG("otpauth://totp/Dropped:file?secret=MFRGGZDFMZTWQ2LK&issuer=Dropped", 4), 0o600); err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(qrcorpus.PNG("otpauth://totp/Dropped:web?secret=GEZDGNBVGY3TQOJQ&issuer=Dropped", 4))
	}))
	defer web.Close()
	for _, drop := range []struct{ uri, name string }{
		{"file://" + qr, `"name": "file"`},
		{web.URL + "/qr.png", `"name": "web"`},
	} {
		if err := testenv.DropURIs(win, []string{drop.uri}, 20*time.Second); err != nil {
			t.Fatalf("drop %s: %v\n%s", drop.uri, err, gui.stderr.String())
		}
		for deadline := time.Now().Add(30 * time.Second); ; <-poll.C {
			if out := c.run("", "list", "--json"); bytes.Contains(out, []byte(drop.name)) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the account dropped as %s is not in the vault after 30 s\n%s", drop.uri, gui.stderr.String())
			}
		}
	}

	// A second start on the same vault brings this window forward and
	// exits, rather than opening a window that cannot open the vault.
	second := exec.Command(bin)
	second.Env = env
	done := make(chan error, 1)
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- second.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("the second start failed: %v", err)
		}
	case <-time.After(10 * time.Second):
		second.Process.Kill()
		t.Error("the second start did not hand over to the first and exit")
	}
	// xwininfo prints a window as `0x200020 "Twofold": ("Twofold" "Twofold") ...`.
	if out, _ := exec.Command(xwininfo, "-root", "-tree").Output(); bytes.Count(out, []byte(`"Twofold":`)) != 1 {
		t.Errorf("%d Twofold windows after the second start, want 1:\n%s", bytes.Count(out, []byte(`"Twofold":`)), out)
	}
	if gone, err := gui.gone(); gone {
		t.Fatalf("the first window closed when the second started: %v", err)
	}
	if strings.Contains(gui.stderr.String(), "JRZCL47CMXVOQMNPZR2F7J4RGI") {
		t.Error("the GUI logged a secret")
	}
}

// windowID finds the X window named title (xwininfo prints a top-level
// window as `0x200020 "Twofold": ...`).
func windowID(t *testing.T, xwininfo, title string) xproto.Window {
	t.Helper()
	out, _ := exec.Command(xwininfo, "-root", "-tree").Output()
	m := regexp.MustCompile(`(0x[0-9a-f]+) "` + regexp.QuoteMeta(title) + `":`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("no %s window:\n%s", title, out)
	}
	id, err := strconv.ParseUint(string(m[1][2:]), 16, 32)
	if err != nil {
		t.Fatal(err)
	}
	return xproto.Window(id)
}

// screenColours takes a screenshot and counts the colours on it.
func screenColours(t *testing.T, importCmd, shot string) int {
	t.Helper()
	if out, err := exec.Command(importCmd, "-window", "root", shot).CombinedOutput(); err != nil {
		t.Fatalf("screenshot: %v: %s", err, out)
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	colours := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	return len(colours)
}

// TestTerminal runs the binary under a pseudo-terminal (util-linux's
// script): a secret given as an argument gets a warning there and
// nowhere else, and labels carrying escape sequences reach the terminal
// escaped, while --json stays exact.
func TestTerminal(t *testing.T) {
	scriptCmd := testenv.Tool(t, "script")
	dir := t.TempDir()
	bin := buildBinary(t)
	pw := filepath.Join(dir, "pw")
	os.WriteFile(pw, []byte("terminal test\n"), 0o600)
	env := append(os.Environ(), "LANGUAGE=en", "TWOFOLD_VAULT="+filepath.Join(dir, "vault.twofold"), "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(dir, "no-bus"))
	c := &cliRun{t: t, bin: bin, env: env}
	c.run("", "vault", "protect", "--password", "--password-file", pw)
	inTerminal := func(args ...string) string {
		t.Helper()
		line := bin
		for _, a := range args {
			line += " '" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		cmd := exec.Command(scriptCmd, "-qec", line, "/dev/null")
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		return string(out)
	}
	const warning = "Warning: a secret on the command line is visible to other users"
	out := inTerminal("add", "--password-file", pw, "otpauth://totp/Argv:bob?secret=JBSWY3DPEHPK3PXP&issuer=Argv")
	if !strings.Contains(out, warning) || !strings.Contains(out, "twofold add -") {
		t.Errorf("no warning about a secret in argv on a terminal:\n%s", out)
	}
	if out := c.run("", "add", "--password-file", pw, "--secret", "JBSWY3DPEHPK3PXQ", "--issuer", "Script", "--name", "s"); strings.Contains(c.stderr.String(), warning) {
		t.Errorf("a script was warned:\n%s%s", out, c.stderr.String())
	}

	c.run(hostile.EscapeLabel+"\n", "add", "--password-file", pw, "-")
	for _, args := range [][]string{{"list"}, {"code"}} {
		out := inTerminal(append(args, "--password-file", pw)...)
		if strings.ContainsAny(out, "\x1b\x07") || !strings.Contains(out, `\x1b[2J`) {
			t.Errorf("%s: escape sequences reach the terminal raw:\n%q", args[0], out)
		}
	}
	var list []struct{ Issuer, Name string }
	if err := json.Unmarshal(c.run("", "list", "--json", "--password-file", pw), &list); err != nil {
		t.Fatal(err)
	}
	want, _ := accounts.ParseURI(hostile.EscapeLabel)
	if len(list) != 3 || list[2].Issuer != want.Issuer || list[2].Name != want.Name {
		t.Errorf("list --json changed the label: %+v, want %q %q", list, want.Issuer, want.Name)
	}
}

// TestVersion: the built binary reports FyneApp.toml's version and build,
// the one place they are written.
func TestVersion(t *testing.T) {
	toml, err := os.ReadFile("FyneApp.toml")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`Version = "([^"]+)"\s+Build = (\d+)`).FindStringSubmatch(string(toml))
	if m == nil {
		t.Fatal("FyneApp.toml has no Version and Build")
	}
	// Both programs: the app and the command line.
	for _, bin := range []string{buildBinary(t), buildInstalled(t)} {
		cmd := exec.Command(bin, "--version")
		cmd.Env = append(os.Environ(), "LANGUAGE=en", "TWOFOLD_VAULT="+filepath.Join(t.TempDir(), "v.twofold"))
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s --version: %v", bin, err)
		}
		if want := fmt.Sprintf("Twofold %s (build %s", m[1], m[2]); !strings.HasPrefix(string(out), want) {
			t.Errorf("%s --version says %q, want it to start with %q", bin, out, want)
		}
	}
}

// app is the real app, started by a test and killed when the test ends.
type app struct {
	cmd    *exec.Cmd
	stderr bytes.Buffer
	exited chan error
}

func startApp(t *testing.T, bin string, env []string) *app {
	t.Helper()
	a := &app{cmd: exec.Command(bin), exited: make(chan error, 1)}
	a.cmd.Env = env
	a.cmd.Stderr = &a.stderr
	if err := a.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { a.exited <- a.cmd.Wait() }()
	t.Cleanup(func() { a.cmd.Process.Kill(); <-a.exited })
	return a
}

// gone reports whether the app has exited, and how, without waiting.
func (a *app) gone() (bool, error) {
	select {
	case err := <-a.exited:
		a.exited <- err // for the next look and the clean-up
		return true, err
	default:
		return false, nil
	}
}
