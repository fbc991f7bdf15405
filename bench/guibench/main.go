// Command guibench measures the real Twofold window against a
// do-nothing Fyne window of the same size (bench/guibench/blank), both
// built here from the same Fyne release and run under the same X server:
//
//   - start-up: process start until the window is mapped, median of -starts
//   - CPU while idle over -idle with -accounts accounts shown, all apps
//     running at the same time, so all see the same machine noise; a
//     third window that only changes one label a second shows the floor
//     for anything that shows a per-second countdown
//   - the same for Twofold "minimised" (its WM_STATE set to iconic, as a
//     window manager does), when the codes must stop refreshing
//   - resident memory at the end of the idle period, also against the
//     one-label window, and how much of each is the software renderer's
//     LLVM library (Mesa compiles a shader variant the first time it draws
//     with it: any window that draws text pays it)
//
// It needs an X display and an unlocked Secret Service (the vault's key
// goes to the keyring): scripts/bench-gui.sh starts both and runs it.
//
//	go run ./bench/guibench [-accounts 500] [-idle 60s] [-starts 9] [-bin path/to/twofold] [-tags no_emoji]
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/jezek/xgb"
	"github.com/jezek/xgb/xproto"

	"twofold/accounts"
)

func main() {
	n := flag.Int("accounts", 500, "accounts in the vault")
	idle := flag.Duration("idle", 60*time.Second, "idle measuring time")
	starts := flag.Int("starts", 9, "start-ups to time, per app")
	bin := flag.String("bin", "", "a twofold binary to measure instead of building this tree")
	tags := flag.String("tags", "no_emoji", "build tags of Twofold, as users get it (scripts/lib.sh GO_TAGS)")
	flag.Parse()

	work, err := os.MkdirTemp("", "guibench")
	check(err)
	defer os.RemoveAll(work)
	twofold, blank := filepath.Join(work, "twofold"), filepath.Join(work, "blank")
	if *bin != "" {
		twofold = *bin
	} else {
		build(twofold, ".", *tags)
	}
	build(blank, "./bench/guibench/blank", "")

	vault := filepath.Join(work, "vault.twofold")
	os.Setenv("TWOFOLD_STATE", filepath.Join(work, "state")) // kept copies and locks: not the user's
	seed(twofold, vault, *n)
	env := append(os.Environ(), "TWOFOLD_VAULT="+vault, "TWOFOLD_NTP_SERVER=127.0.0.1:9") // no clock check traffic
	// Settings: no idle lock, no clock check.
	prefs := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "fyne", "app.twofold.Twofold")
	check(os.MkdirAll(prefs, 0o700))
	check(os.WriteFile(filepath.Join(prefs, "preferences.json"), []byte(`{"clockCheck":false,"lockAfterMinutes":0}`), 0o600))

	x, err := xgb.NewConn()
	check(err)
	defer x.Close()

	fmt.Printf("%d accounts, idle %s, %d start-ups each\n\n", *n, *idle, *starts)
	var tStart, bStart []time.Duration
	for range *starts {
		bStart = append(bStart, startup(x, blank, "Blank", env))
		tStart = append(tStart, startup(x, twofold, "Twofold", env))
	}

	// Idle: all at once.
	b, _ := launch(x, blank, "Blank", env)
	k, _ := launch(x, blank, "Ticking", env, "-tick", "-title", "Ticking")
	t, tw := launch(x, twofold, "Twofold", env)
	time.Sleep(3 * time.Second) // past start-up work
	b0, k0, t0 := cpu(b), cpu(k), cpu(t)
	time.Sleep(*idle)
	bCPU, kCPU, tCPU := cpu(b)-b0, cpu(k)-k0, cpu(t)-t0
	bRSS, kRSS, tRSS := rss(b), rss(k), rss(t)
	bLLVM, kLLVM, tLLVM := llvmRSS(b), llvmRSS(k), llvmRSS(t)

	// Minimised: the window manager's WM_STATE = IconicState.
	setIconic(x, tw)
	time.Sleep(2 * time.Second)
	b0, t0 = cpu(b), cpu(t)
	time.Sleep(*idle)
	bMin, tMin := cpu(b)-b0, cpu(t)-t0
	for _, c := range []*exec.Cmd{b, k, t} {
		c.Process.Kill()
		c.Wait()
	}

	pct := func(d time.Duration) string { return fmt.Sprintf("%.2f%% of a core", 100*d.Seconds()/idle.Seconds()) }
	w := tabwriter.NewWriter(os.Stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "measure\tblank window\tTwofold\tratio / difference")
	fmt.Fprintf(w, "start-up to mapped (median)\t%s\t%s\t%.2fx\n", median(bStart).Round(time.Millisecond), median(tStart).Round(time.Millisecond), ratio(median(tStart), median(bStart)))
	fmt.Fprintf(w, "CPU while idle\t%s\t%s\t%.2fx\n", pct(bCPU), pct(tCPU), ratio(tCPU, bCPU))
	fmt.Fprintf(w, "  vs a window changing one label a second\t%s\t%s\t%.2fx\n", pct(kCPU), pct(tCPU), ratio(tCPU, kCPU))
	fmt.Fprintf(w, "CPU while minimised\t%s\t%s\t%.2fx\n", pct(bMin), pct(tMin), ratio(tMin, bMin))
	fmt.Fprintf(w, "resident memory\t%d MB\t%d MB\t%+d MB\n", bRSS>>20, tRSS>>20, (tRSS-bRSS)>>20)
	fmt.Fprintf(w, "  vs a window changing one label a second\t%d MB\t%d MB\t%+d MB\n", kRSS>>20, tRSS>>20, (tRSS-kRSS)>>20)
	fmt.Fprintf(w, "  of which the software renderer's LLVM\t%d / %d MB\t%d MB\t%+d / %+d MB\n", bLLVM>>20, kLLVM>>20, tLLVM>>20, (tLLVM-bLLVM)>>20, (tLLVM-kLLVM)>>20)
	w.Flush()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "guibench:", err)
		os.Exit(1)
	}
}

func build(out, pkg, tags string) {
	cmd := exec.Command("go", "build", "-tags", tags, "-o", out, pkg)
	cmd.Stderr = os.Stderr
	check(cmd.Run())
}

// seed fills a new vault with n random TOTP accounts (30 s and 60 s).
func seed(bin, vault string, n int) {
	var b strings.Builder
	for i := range n {
		secret := make([]byte, 20)
		for j := range secret {
			secret[j] = byte(rand.IntN(256))
		}
		period := 30
		if i%5 == 0 {
			period = 60
		}
		fmt.Fprintf(&b, "otpauth://totp/Service%03d:user%d?secret=%s&issuer=Service%03d&period=%d\n", i, i, accounts.EncodeSecret(secret), i, period)
	}
	cmd := exec.Command(bin, "--vault", vault, "add", "-")
	cmd.Stdin = strings.NewReader(b.String())
	out, err := cmd.CombinedOutput()
	if err != nil {
		check(fmt.Errorf("seeding the vault: %v: %s", err, out))
	}
}

// launch starts bin and waits for its window named title to be mapped.
func launch(x *xgb.Conn, bin, title string, env []string, args ...string) (*exec.Cmd, xproto.Window) {
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	check(cmd.Start())
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if w, ok := mapped(x, title); ok {
			return cmd, w
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Kill()
	check(fmt.Errorf("%s: no window after 30 s", title))
	return nil, 0
}

// startup times one start to a mapped window, then stops the app.
func startup(x *xgb.Conn, bin, title string, env []string) time.Duration {
	start := time.Now()
	cmd, _ := launch(x, bin, title, env)
	d := time.Since(start)
	cmd.Process.Kill()
	cmd.Wait()
	// Wait for the window to go, so the next start is not seen early.
	for i := 0; i < 400; i++ {
		if _, ok := mapped(x, title); !ok {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	return d
}

// mapped finds a viewable top-level window whose name is title.
func mapped(x *xgb.Conn, title string) (xproto.Window, bool) {
	root := xproto.Setup(x).DefaultScreen(x).Root
	tree, err := xproto.QueryTree(x, root).Reply()
	if err != nil {
		return 0, false
	}
	for _, w := range tree.Children {
		attr, err := xproto.GetWindowAttributes(x, w).Reply()
		if err != nil || attr.MapState != xproto.MapStateViewable {
			continue
		}
		name, err := xproto.GetProperty(x, false, w, xproto.AtomWmName, xproto.GetPropertyTypeAny, 0, 64).Reply()
		if err == nil && string(name.Value) == title {
			return w, true
		}
	}
	return 0, false
}

func setIconic(x *xgb.Conn, w xproto.Window) {
	atom, err := xproto.InternAtom(x, false, 8, "WM_STATE").Reply()
	check(err)
	buf := make([]byte, 8)
	xgb.Put32(buf, 3)
	check(xproto.ChangePropertyChecked(x, xproto.PropModeReplace, w, atom.Atom, atom.Atom, 32, 2, buf).Check())
}

// cpu is the process's user+system time so far, from /proc.
func cpu(cmd *exec.Cmd) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", cmd.Process.Pid))
	check(err)
	// Fields after the ")" that ends the command name; utime and stime
	// are the 14th and 15th fields overall, in clock ticks (100 Hz).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+s) * 10 * time.Millisecond
}

// rss is the process's resident memory in bytes.
func rss(cmd *exec.Cmd) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	check(err)
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// llvmRSS is the resident part of the LLVM library's mappings (Mesa's
// software renderer compiles each shader variant with it the first time
// it draws with it), from /proc/PID/smaps: 0 with a hardware driver.
func llvmRSS(cmd *exec.Cmd) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", cmd.Process.Pid))
	check(err)
	var total int64
	inLLVM := false
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) == 0:
		case !strings.HasSuffix(f[0], ":"): // a mapping's header: its path is the 6th field
			inLLVM = len(f) >= 6 && strings.Contains(f[5], "libLLVM")
		case inLLVM && f[0] == "Rss:" && len(f) >= 2:
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			total += kb << 10
		}
	}
	return total
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

func ratio(a, b time.Duration) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}
