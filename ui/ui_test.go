package ui

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	"github.com/godbus/dbus/v5"

	"twofold/accounts"
	"twofold/internal/qrcorpus"
	"twofold/internal/testenv"
)

var cheap = accounts.Argon2Params{Time: 1, Memory: 8, Threads: 1}

// labels returns the visible labels drawn in o, by text.
func labels(o fyne.CanvasObject) map[string]*widget.Label {
	out := map[string]*widget.Label{}
	for _, obj := range test.LaidOutObjects(o) {
		if l, ok := obj.(*widget.Label); ok && l.Visible() {
			out[l.Text] = l
		}
	}
	return out
}

// find returns the first object of type T in o whose test accepts it.
func find[T fyne.CanvasObject](t *testing.T, o fyne.CanvasObject, ok func(T) bool) T {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if v, is := obj.(T); is && obj.Visible() && ok(v) {
			return v
		}
	}
	var zero T
	t.Fatalf("no %T found", zero)
	return zero
}

// dialogEntries are the text fields of a dialog, in order.
func dialogEntries(o fyne.CanvasObject) []*entry {
	var out []*entry
	for _, obj := range test.LaidOutObjects(o) {
		if e, ok := obj.(*entry); ok {
			out = append(out, e)
		}
	}
	return out
}

func button(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	return find(t, o, func(b *widget.Button) bool { return b.Text == text })
}

func keys(m map[string]*widget.Label) string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return strings.Join(out, " | ")
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	if !testenv.Until(30*time.Second, 20*time.Millisecond, func() bool {
		ok := false
		pump()
		fyne.DoAndWait(func() { ok = cond() })
		return ok
	}) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

var rfc = []byte("12345678901234567890")

// newTestGUI is the app on a password vault holding accts, at time at.
func newTestGUI(t *testing.T, at *time.Time, accts ...*accounts.Account) (*gui, fyne.Window) {
	t.Helper()
	a := test.NewTempApp(t)
	path := filepath.Join(t.TempDir(), "vault.twofold")
	v, err := accounts.Create(path, &accounts.PasswordSlot{Password: []byte("right"), Params: cheap})
	if err != nil {
		t.Fatal(err)
	}
	for _, acct := range accts {
		if err := v.Add(acct); err != nil {
			t.Fatal(err)
		}
	}
	v.Save()
	w := test.NewTempWindow(t, widget.NewLabel(""))
	w.Resize(fyne.NewSize(480, 640))
	g := newGUI(a, w, path, func() time.Time { return *at })
	g.settings.ntp = false // TestClockBanner turns it on, against loopback
	g.showMain(v)
	t.Cleanup(g.close)
	return g, w
}

func testAccounts() []*accounts.Account {
	return []*accounts.Account{
		{Issuer: "RFC", Name: "totp", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 8, Period: 30, Secret: rfc},
		{Issuer: "Counter Co", Name: "hotp", Kind: accounts.HOTP, Algorithm: accounts.SHA1, Digits: 6, Counter: 0, Secret: rfc},
		{Issuer: "Slow Bank", Name: "me", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 60, Secret: []byte("another secret!")},
	}
}

func TestCodesCountdownAndNextCode(t *testing.T) {
	at := time.Unix(59, 0) // RFC 6238: 94287082 at T=59, 1 s left
	g, w := newTestGUI(t, &at, testAccounts()...)
	got := labels(w.Content())
	for _, want := range []string{"9428 7082", "755 224", "RFC", "Slow Bank"} {
		if got[want] == nil {
			t.Errorf("no label %q among %s", want, keys(got))
		}
	}
	// 1 s left of the 30 s period: a number, the warning colour, the next code.
	if l := got["1 s"]; l == nil || l.Importance != widget.DangerImportance {
		t.Errorf("no warning '1 s' countdown among %s", keys(got))
	}
	next, _ := (&accounts.Account{Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 8, Period: 30, Secret: rfc}).Code(time.Unix(60, 0))
	if got["next "+accounts.GroupCode(next)] == nil {
		t.Errorf("the next code %s is not shown: %s", next, keys(got))
	}
	at = time.Unix(61, 0)
	fyne.DoAndWait(g.main.list.step) // what the ticker does each second
	got = labels(w.Content())
	// The 30 s and the 60 s accounts tick on their own periods.
	if got["29 s"] == nil || got["59 s"] == nil {
		t.Errorf("after 2 s: want 29 s and 59 s, got %s", keys(got))
	}
	if got["29 s"] != nil && got["29 s"].Importance == widget.DangerImportance {
		t.Error("29 s left is shown as a warning")
	}
}

func TestSearchFilters(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	test.Type(g.main.search, "bank")
	if n := len(g.main.list.accts); n != 1 || g.main.list.accts[0].Issuer != "Slow Bank" {
		t.Fatalf("search 'bank' shows %d accounts", n)
	}
	if labels(w.Content())["RFC"] != nil {
		t.Error("RFC is still shown")
	}
	g.main.search.SetText("")
	if n := len(g.main.list.accts); n != 3 {
		t.Errorf("clearing the search shows %d accounts, want 3", n)
	}
}

func TestCopyAndClipboardClear(t *testing.T) {
	at := time.Unix(59, 0)
	g, _ := newTestGUI(t, &at, testAccounts()...)
	g.settings.clipDelay = 100 * time.Millisecond
	fyne.DoAndWait(func() { g.main.list.widget.Select(0) }) // a click on the first row
	clip := g.app.Clipboard()
	var first string
	fyne.DoAndWait(func() { first = clip.Content() })
	if first != "755224" { // Counter Co sorts first: HOTP counter 0
		t.Fatalf("clipboard holds %q, want the first row's code 755224", first)
	}
	waitFor(t, "the clipboard to be cleared", func() bool { return clip.Content() == "" })

	// Something else copied since is left alone.
	checks := g.main.clipChecks.Load()
	fyne.DoAndWait(func() { g.main.copy(g.main.list.accts[0]) })
	fyne.DoAndWait(func() { clip.SetContent("the user's own text") })
	waitFor(t, "the clipboard clear to run", func() bool { return g.main.clipChecks.Load() > checks })
	fyne.DoAndWait(func() { first = clip.Content() })
	if first != "the user's own text" {
		t.Errorf("the clear removed the user's own clipboard: %q", first)
	}

	// A copied recovery code is cleared as a code is.
	fyne.DoAndWait(func() { g.main.copySecret("RECOVERY-1234", "Copied a recovery code") })
	fyne.DoAndWait(func() { first = clip.Content() })
	if first != "RECOVERY-1234" {
		t.Fatalf("clipboard holds %q, want the recovery code", first)
	}
	waitFor(t, "the recovery code to be cleared", func() bool { return clip.Content() == "" })
}

func TestHOTPNextPersists(t *testing.T) {
	at := time.Unix(100, 0)
	g, _ := newTestGUI(t, &at, testAccounts()...)
	var hotp *accounts.Account
	for _, a := range g.vault.Accounts {
		if a.Kind == accounts.HOTP {
			hotp = a
		}
	}
	fyne.DoAndWait(func() { g.main.next(hotp) })
	v, err := accounts.Read(g.path, &accounts.PasswordSlot{Password: []byte("right")})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range v.Accounts {
		if a.Kind == accounts.HOTP && a.Counter != 1 {
			t.Errorf("counter on disk %d, want 1", a.Counter)
		}
	}
}

// openKeyForm opens the "Enter a key" form on a new vault at time at:
// the form, and its issuer and secret fields.
func openKeyForm(t *testing.T, at *time.Time) (g *gui, w fyne.Window, form fyne.CanvasObject, issuer, secret *entry) {
	t.Helper()
	g, w = newTestGUI(t, at)
	fyne.DoAndWait(g.addManual)
	form = w.Canvas().Overlays().Top()
	entries := dialogEntries(form)
	return g, w, form, entries[0], entries[2]
}

func TestManualEntry(t *testing.T) {
	at := time.Unix(59, 0)
	g, w, form, issuer, secret := openKeyForm(t, &at)
	add := button(t, form, "Add")
	test.Type(issuer, "GitHub")
	test.Type(secret, "not base32!")
	if !add.Disabled() {
		t.Error("Add is enabled with an invalid secret")
	}
	secret.SetText("")
	test.Type(secret, "gezd gnbv gy3t qojq gezd gnbv gy3t qojq")
	if add.Disabled() {
		t.Fatal("Add is disabled with a valid secret")
	}
	test.Tap(add)
	if n := len(g.vault.Accounts); n != 1 || g.vault.Accounts[0].Issuer != "GitHub" || string(g.vault.Accounts[0].Secret) != string(rfc) {
		t.Fatalf("vault holds %d accounts: %+v", n, g.vault.Accounts)
	}
	// The result shows the live code to finish the site's setup.
	result := w.Canvas().Overlays().Top()
	got := labels(result)
	if got["Enter this code on the site to finish setting up:"] == nil || got["287 082"] == nil {
		t.Errorf("the result does not show the code: %s", keys(got))
	}
}

func TestDeleteAsksFirst(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	target := g.main.list.accts[0]
	fyne.DoAndWait(func() { g.main.details(target) })
	test.Tap(button(t, w.Canvas().Overlays().Top(), "Delete…"))
	if len(g.vault.Accounts) != 3 {
		t.Fatal("deleted without asking")
	}
	confirm := w.Canvas().Overlays().Top()
	if labels(confirm)["Delete "+target.Label()+"?"] == nil && !strings.Contains(keys(labels(confirm)), "Make sure you can still sign in") {
		t.Errorf("no confirmation shown: %s", keys(labels(confirm)))
	}
	test.Tap(button(t, confirm, "Yes"))
	if len(g.vault.Accounts) != 2 {
		t.Fatalf("%d accounts after confirming", len(g.vault.Accounts))
	}
	v, _ := accounts.Read(g.path, &accounts.PasswordSlot{Password: []byte("right")})
	if len(v.Accounts) != 2 {
		t.Errorf("the deletion was not saved: %d on disk", len(v.Accounts))
	}
}

func TestLockRejectsWrongPassword(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	fyne.DoAndWait(g.lock)
	if g.vault != nil {
		t.Fatal("the vault is still open after locking")
	}
	entry := find(t, w.Content(), func(e *widget.Entry) bool { return e.Password })
	unlock := button(t, w.Content(), "Unlock")
	if w.Canvas().Focused() != entry {
		t.Error("the password field does not have the keyboard focus")
	}
	test.Type(entry, "wrong")
	test.Tap(unlock)
	waitFor(t, "the wrong-password message", func() bool { return labels(w.Content())["Wrong password. Try again."] != nil })
	if g.vault != nil || entry.Text != "" {
		t.Fatal("a wrong password opened the vault or stayed in the field")
	}
	waitFor(t, "the button to come back", func() bool { return !unlock.Disabled() })
	if w.Canvas().Focused() != entry {
		t.Error("the password field lost the focus after a wrong password")
	}
	test.Type(entry, "right")
	test.Tap(unlock)
	waitFor(t, "the vault to open", func() bool { return g.vault != nil && len(g.vault.Accounts) == 3 })
}

func TestInitials(t *testing.T) {
	for in, want := range map[string]string{"GitHub": "GI", "Air Canada": "AC", "": "?", "é": "É", "x": "X"} {
		if got := initialsOf(in); got != want {
			t.Errorf("initialsOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestClockBanner(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	g.settings.ntp = true
	g.settings.ntpServer = testenv.NTPServer(t, 42*time.Second)
	fyne.DoAndWait(g.checkClock)
	waitFor(t, "the clock banner", func() bool { return g.clock.banner.Visible() })
	if msg := g.clock.label.Text; !strings.Contains(msg, "42s behind") {
		t.Errorf("banner says %q", msg)
	}
	if labels(w.Content())[g.clock.label.Text] == nil {
		t.Error("the banner is not in the window")
	}
	// The corrected time: codes as at the server's time, said so, kept
	// in the settings; and back to the computer's clock.
	rfcCode := func(at time.Time) string {
		c, _ := testAccounts()[0].Code(at)
		return accounts.GroupCode(c)
	}
	fyne.DoAndWait(func() { test.Tap(button(t, w.Content(), "Use the corrected time for codes")) })
	waitFor(t, "codes at the corrected time", func() bool { return labels(w.Content())[rfcCode(at.Add(42*time.Second))] != nil })
	if msg := g.clock.label.Text; !strings.HasPrefix(msg, "Codes use the corrected time: this computer's clock is 42s behind the correct time.") {
		t.Errorf("banner says %q", msg)
	}
	if !g.app.Preferences().Bool(prefCorrect) {
		t.Error("the choice is not kept")
	}
	fyne.DoAndWait(func() { test.Tap(button(t, w.Content(), "Use this computer's clock")) })
	waitFor(t, "codes at the computer's time", func() bool { return labels(w.Content())[rfcCode(at)] != nil })
	// A right clock hides it again.
	g.settings.ntpServer = testenv.NTPServer(t, 0)
	fyne.DoAndWait(g.checkClock)
	waitFor(t, "the banner to go", func() bool { return !g.clock.banner.Visible() })
}

func TestRecoveryCodes(t *testing.T) {
	at := time.Unix(100, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	a := g.main.list.accts[0]
	fyne.DoAndWait(func() { g.main.details(a) })
	dlg := w.Canvas().Overlays().Top()
	entry := find(t, dlg, func(e *entry) bool { return e.PlaceHolder == "Paste recovery codes, one a line" })
	entry.SetText("abcd-1234\n\n efgh-5678 \n")
	test.Tap(button(t, dlg, "Add codes"))
	if len(a.RecoveryCodes) != 2 || a.RecoveryCodes[1].Code != "efgh-5678" {
		t.Fatalf("recovery codes: %+v", a.RecoveryCodes)
	}
	used := find(t, dlg, func(c *widget.Check) bool { return c.Text == "used" })
	test.Tap(used)
	v, _ := accounts.Read(g.path, &accounts.PasswordSlot{Password: []byte("right")})
	for _, b := range v.Accounts {
		if b.ID == a.ID && (len(b.RecoveryCodes) != 2 || b.RecoveryCodes[0].UsedAt == nil) {
			t.Errorf("on disk: %+v", b.RecoveryCodes)
		}
	}
}

// shownOrder is the issuers the list shows, top to bottom.
func shownOrder(g *gui) string {
	var s []string
	for _, a := range g.main.list.accts {
		s = append(s, a.Issuer)
	}
	return strings.Join(s, ", ")
}

func TestSortAndManualOrder(t *testing.T) {
	at := time.Unix(0, 0)
	g, _ := newTestGUI(t, &at, testAccounts()...)
	if got, want := shownOrder(g), "Counter Co, RFC, Slow Bank"; got != want {
		t.Fatalf("by issuer: %s, want %s", got, want)
	}
	fyne.DoAndWait(func() { g.main.setOrder(accounts.ByName) })
	if got, want := shownOrder(g), "Counter Co, Slow Bank, RFC"; got != want { // hotp, me, totp
		t.Errorf("by name: %s, want %s", got, want)
	}
	// Manual order is the vault's; moving needs it chosen first.
	fyne.DoAndWait(func() {
		g.main.setOrder(accounts.ByIssuer)
		g.main.list.highlight(g.main.list.accts[2])
		g.main.move(-1)
	})
	if got, want := shownOrder(g), "Counter Co, RFC, Slow Bank"; got != want {
		t.Errorf("moved outside manual order: %s", got)
	}
	fyne.DoAndWait(func() { g.main.setOrder(accounts.ByManual) })
	if got, want := shownOrder(g), "RFC, Counter Co, Slow Bank"; got != want {
		t.Fatalf("manual: %s, want %s", got, want)
	}
	fyne.DoAndWait(func() { g.main.list.highlight(g.main.list.accts[2]); g.main.move(-1); g.main.move(-1) })
	if got, want := shownOrder(g), "Slow Bank, RFC, Counter Co"; got != want {
		t.Errorf("after moving Slow Bank up twice: %s, want %s", got, want)
	}
	// The order is saved in the vault, and the choice in the preferences.
	v, err := accounts.Read(g.path, &accounts.PasswordSlot{Password: []byte("right")})
	if err != nil {
		t.Fatal(err)
	}
	if v.Accounts[0].Issuer != "Slow Bank" {
		t.Errorf("the saved vault starts with %s", v.Accounts[0].Issuer)
	}
	if got := loadSettings(g.app.Preferences()).order; got != accounts.ByManual {
		t.Errorf("remembered order %q", got)
	}
}

func TestEnterCopiesHighlighted(t *testing.T) {
	at := time.Unix(59, 0)
	g, w := newTestGUI(t, &at, testAccounts()...)
	fyne.DoAndWait(func() {
		w.Canvas().Focus(g.main.list.widget)
		g.main.list.widget.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown}) // RFC, the 8-digit account
		g.main.list.widget.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if got := g.app.Clipboard().Content(); got != "94287082" {
		t.Errorf("Enter on the second row copied %q, want RFC's 94287082", got)
	}
	// After a dialog, Fyne focuses nothing: Enter still reaches the list.
	fyne.DoAndWait(func() {
		g.app.Clipboard().SetContent("")
		w.Canvas().Unfocus()
		w.Canvas().OnTypedKey()(&fyne.KeyEvent{Name: fyne.KeyReturn})
	})
	if got := g.app.Clipboard().Content(); got != "94287082" {
		t.Errorf("Enter with nothing focused copied %q, want the highlighted row's code", got)
	}
}

// TestPickSeveralImages picks two images (one name needs escaping) in
// the desktop portal's file chooser, played by a fake portal on the
// test's session bus, and adds both accounts.
func TestPickSeveralImages(t *testing.T) {
	dir := t.TempDir()
	var uris []string
	for i, name := range []string{"first.png", "second shot.png"} {
		p := filepath.Join(dir, name)
		uri := fmt.Sprintf("otpauth://totp/Picked:%d?secret=JBSWY3DPEHPK3PX%c&issuer=Picked", i, 'A'+i)
		if err := os.WriteFile(p, qrcorpus.PNG(uri, 4), 0o600); err != nil {
			t.Fatal(err)
		}
		uris = append(uris, (&url.URL{Scheme: "file", Path: p}).String())
	}
	var multiple bool
	testenv.Portal(t, func(method string, opts map[string]dbus.Variant) (uint32, map[string]dbus.Variant) {
		multiple, _ = opts["multiple"].Value().(bool)
		return 0, map[string]dbus.Variant{"uris": dbus.MakeVariant(uris)}
	})
	at := time.Unix(0, 0)
	g, _ := newTestGUI(t, &at)
	fyne.DoAndWait(g.addFromFile)
	waitFor(t, "both picked images to be added", func() bool { return len(g.vault.Accounts) == 2 })
	if !multiple {
		t.Error("the file chooser was not asked for several files")
	}
}

// TestStepOnlyVisibleRows: with 300 accounts only the rows on screen
// exist and are stepped, and scrolling brings the right codes.
func TestStepOnlyVisibleRows(t *testing.T) {
	var accts []*accounts.Account
	for i := range 300 {
		accts = append(accts, &accounts.Account{Issuer: fmt.Sprintf("Site %03d", i), Name: "me", Kind: accounts.TOTP,
			Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret number %03d", i))})
	}
	at := time.Unix(1000, 0)
	g, w := newTestGUI(t, &at, accts...)
	l := g.main.list
	if n := len(l.bound); n == 0 || n > 20 {
		t.Fatalf("%d row widgets for 300 accounts", n)
	}
	first, last := 0, 0
	fyne.DoAndWait(func() { first, last = l.visibleRange() })
	if first > 0 || last < 3 || last > 20 {
		t.Errorf("visible range %d..%d at the top", first, last)
	}
	if got := labels(w.Content()); got["20 s"] == nil {
		t.Errorf("no 20 s countdown at T=1000: %s", keys(got))
	}
	at = time.Unix(1001, 0)
	fyne.DoAndWait(l.step)
	if got := labels(w.Content()); got["19 s"] == nil || got["20 s"] != nil {
		t.Errorf("rows were not stepped to 19 s: %s", keys(got))
	}
	// Scrolled to the middle, the rows on screen are the ones stepped
	// (the range is worked out from the list's gap between rows: an
	// estimate 3 px a row off missed the screen's rows by row 150).
	fyne.DoAndWait(func() {
		l.widget.ScrollTo(150)
		first, last = l.visibleRange()
		var h float32
		for r := range l.bound {
			h = max(h, r.Size().Height)
		}
		// What the list shows: rows h tall with the theme's padding between.
		top := int(l.widget.GetScrollOffset() / (h + theme.Padding()))
		bottom := int((l.widget.GetScrollOffset() + l.widget.Size().Height) / (h + theme.Padding()))
		if first > top || last < bottom {
			t.Errorf("visible range %d..%d, but rows %d..%d are on screen", first, last, top, bottom)
		}
	})
	fyne.DoAndWait(func() { l.widget.ScrollToBottom() })
	fyne.DoAndWait(func() { first, last = l.visibleRange() })
	if last < 299 || first < 250 {
		t.Errorf("visible range %d..%d at the bottom", first, last)
	}
	want, _ := accts[299].Code(at)
	if got := labels(w.Content()); got[accounts.GroupCode(want)] == nil {
		t.Errorf("the last account's code %s is not shown after scrolling: %s", want, keys(got))
	}
}
