package cli

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/internal/i18n"
	"twofold/internal/qrcorpus"
	"twofold/internal/testenv"
)

// The test binary doubles as the twofold command inside the scripts, so
// each script line runs the CLI in a separate process, as a user would.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"twofold": func() { i18n.Set(""); os.Exit(Run(os.Args[1:], stdio())) }, // as Main
	})
}

// TestScripts runs testdata/script/*.txtar: one transcript per feature.
func TestScripts(t *testing.T) {
	testscript.Run(t, params("testdata/script", "yubikey"))
}

// TestKeyProfiles runs testdata/keys/*.txtar once for each kind of key
// cardsim plays (cardsim.Profiles): the scripts' [yubikey], [strict] and
// [old] conditions say which, and $KEY is how Twofold names the key.
func TestKeyProfiles(t *testing.T) {
	for _, profile := range cardsim.Profiles {
		t.Run(profile, func(t *testing.T) { testscript.Run(t, params("testdata/keys", profile)) })
	}
}

// params runs the scripts in dir with keys of the cardsim profile.
func params(dir, profile string) testscript.Params {
	return testscript.Params{
		Dir: dir,
		Setup: func(e *testscript.Env) error {
			// The real Secret Service of the test command's D-Bus session.
			for _, k := range []string{"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"} {
				e.Setenv(k, os.Getenv(k))
			}
			e.Setenv("TWOFOLD_STATE", e.WorkDir+"/.state")
			e.Setenv("KEY", "YubiKey 1234567")
			if profile == "strict" { // no serial: named by its reader
				e.Setenv("KEY", "Virtual PCD 00 01")
			}
			e.Values[profileKey{}] = profile
			if dir == "testdata/keys" {
				// Every script there uses vpcd's second reader, which must
				// be empty before plugkey, and may put a spare in the
				// first: one script at a time holds both. Always the
				// first reader first, as every package's tests take them:
				// taking them the other way round deadlocked against the
				// hardware tests that use both.
				for slot := range 2 {
					release, err := testenv.HoldVPCD(slot)
					if err != nil {
						return err
					}
					e.Defer(release)
				}
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
			if slices.Contains(cardsim.Profiles, cond) {
				return cond == profile, nil
			}
			if cond == "keyring" {
				ok := os.Getenv("DBUS_SESSION_BUS_ADDRESS") != ""
				if !ok && testenv.Required() {
					return false, fmt.Errorf("no D-Bus session, but TWOFOLD_TEST_SERVICES=1 asks for one")
				}
				return ok, nil
			}
			return false, fmt.Errorf("unknown condition %q", cond)
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// keptcopy N DEST copies the vault's Nth kept generation, from
			// the local state folder, to DEST (or, negated, checks that
			// there is none).
			"keptcopy": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: keptcopy N DEST")
				}
				found, _ := filepath.Glob(filepath.Join(ts.Getenv("TWOFOLD_STATE"), "vaults", "*", "vault."+args[0]))
				switch {
				case neg && len(found) > 0:
					ts.Fatalf("a kept copy is there: %s", found[0])
				case neg:
					return
				case len(found) != 1:
					ts.Fatalf("kept copies %d: %q", len(found), found)
				}
				data, err := os.ReadFile(found[0])
				ts.Check(err)
				ts.Check(os.WriteFile(ts.MkAbs(args[1]), data, 0o600))
			},
			"flipbyte": func(ts *testscript.TestScript, neg bool, args []string) {
				data := readArg(ts, args, 2)
				off := atoi(ts, args[1])
				if off < 0 {
					off += len(data)
				}
				data[off] ^= 0x01
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o600))
			},
			"truncate": func(ts *testscript.TestScript, neg bool, args []string) {
				data := readArg(ts, args, 2)
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), data[:atoi(ts, args[1])], 0o600))
			},
			"setversion": func(ts *testscript.TestScript, neg bool, args []string) {
				data := readArg(ts, args, 2)
				binary.BigEndian.PutUint16(data[8:], uint16(atoi(ts, args[1])))
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), data, 0o600))
			},
			// idof ISSUER VAR: the ID of ISSUER's account in the last stdout (list --json).
			"idof": func(ts *testscript.TestScript, neg bool, args []string) {
				var list []listEntry
				ts.Check(json.Unmarshal([]byte(ts.ReadFile("stdout")), &list))
				for _, e := range list {
					if e.Issuer == args[0] {
						ts.Setenv(args[1], e.ID)
						return
					}
				}
				ts.Fatalf("no %s in the list", args[0])
			},
			// qrpng FILE PAYLOAD: write a PNG holding PAYLOAD as a QR code.
			"qrpng": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: qrpng FILE PAYLOAD")
				}
				ts.Check(os.MkdirAll(filepath.Dir(ts.MkAbs(args[0])), 0o755))
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), qrcorpus.PNG(args[1], 4), 0o644))
			},
			// transferpngs DIR N: a Google Authenticator transfer of N
			// accounts, 2 a code, as DIR/part-1.png ...
			"transferpngs": func(ts *testscript.TestScript, neg bool, args []string) {
				var accts []*accounts.Account
				for i := 0; i < atoi(ts, args[1]); i++ {
					accts = append(accts, &accounts.Account{Issuer: "Bank", Name: fmt.Sprint("user", i), Kind: accounts.TOTP,
						Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprint("secret-", i))})
				}
				uris, err := accounts.EncodeMigration(accts, 2)
				ts.Check(err)
				ts.Check(os.MkdirAll(ts.MkAbs(args[0]), 0o755))
				for i, u := range uris {
					ts.Check(os.WriteFile(filepath.Join(ts.MkAbs(args[0]), fmt.Sprintf("part-%d.png", i+1)), qrcorpus.PNG(u, 3), 0o644))
				}
			},
			// plugkey [-spare] SERIAL [LIMIT]: a software key of the
			// script's profile in vpcd's second reader (the other
			// packages' tests use the first); -spare puts it in the first
			// reader, which the key scripts hold (see params).
			"plugkey": func(ts *testscript.TestScript, neg bool, args []string) {
				slot := 1
				if len(args) > 0 && args[0] == "-spare" {
					slot, args = 0, args[1:]
				}
				addr, reader, err := testenv.VPCDAddr(slot)
				if err != nil {
					if testenv.Required() {
						ts.Fatalf("%v is missing, but TWOFOLD_TEST_SERVICES=1 asks for it", err)
					}
					ts.Fatalf("%v is missing (skip this script with [!exec:ykman] on machines without the test services)", err)
				}
				card, err := cardsim.NewProfile(ts.Value(profileKey{}).(string), uint32(atoi(ts, args[0])))
				ts.Check(err)
				if len(args) > 1 {
					card.Limit = atoi(ts, args[1])
				}
				plug, err := card.Plug(addr)
				ts.Check(err)
				waitReader(ts, reader, true)
				plugs.Lock()
				plugs.m[reader] = plug
				plugs.Unlock()
				ts.Defer(func() {
					plug.Unplug()
					waitReader(ts, reader, false)
				})
			},
			// unplugkey [-spare]: pull the key out.
			"unplugkey": func(ts *testscript.TestScript, neg bool, args []string) {
				_, reader, _ := testenv.VPCDAddr(map[bool]int{true: 0, false: 1}[len(args) > 0 && args[0] == "-spare"])
				plugs.Lock()
				plug := plugs.m[reader]
				plugs.Unlock()
				plug.Unplug()
				waitReader(ts, reader, false)
			},
			// ntpserver UNIX: a time server on loopback that answers
			// with that instant, named by TWOFOLD_NTP_SERVER.
			"ntpserver": func(ts *testscript.TestScript, neg bool, args []string) {
				at := time.Unix(int64(atoi(ts, args[0])), 0)
				addr, stop, err := testenv.ServeNTP(func() time.Time { return at })
				ts.Check(err)
				ts.Defer(stop)
				ts.Setenv("TWOFOLD_NTP_SERVER", addr)
			},
			"mode": func(ts *testscript.TestScript, neg bool, args []string) {
				if len(args) != 2 {
					ts.Fatalf("usage: mode FILE PERM")
				}
				st, err := os.Stat(ts.MkAbs(args[0]))
				ts.Check(err)
				if got := fmt.Sprintf("%o", st.Mode().Perm()); (got == args[1]) == neg {
					ts.Fatalf("%s has mode %s", args[0], got)
				}
			},
		},
	}
}

func readArg(ts *testscript.TestScript, args []string, n int) []byte {
	if len(args) != n {
		ts.Fatalf("want %d arguments", n)
	}
	data, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	return data
}

func atoi(ts *testscript.TestScript, s string) int {
	n, err := strconv.Atoi(s)
	ts.Check(err)
	return n
}

// plugs are the keys plugged in, by reader: one script at a time has
// each reader (vpcd's second is the CLI's; the first is held).
var plugs = struct {
	sync.Mutex
	m map[string]*cardsim.Plug
}{m: map[string]*cardsim.Plug{}}

// profileKey is the script's cardsim profile in testscript.Env.Values.
type profileKey struct{}

// waitReader waits until pcscd reports a key in reader (or none).
func waitReader(ts *testscript.TestScript, reader string, present bool) {
	if testenv.Until(10*time.Second, 50*time.Millisecond, func() bool {
		keys, _ := hardware.KeysIn(reader)
		return slices.ContainsFunc(keys, func(k hardware.Key) bool { return k.Reader == reader }) == present
	}) {
		return
	}
	ts.Fatalf("the key in %s did not come or go", reader)
}
