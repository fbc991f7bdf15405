package cli

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/internal/qrcorpus"
	"twofold/internal/testenv"
)

// The test binary doubles as the twofold command inside the scripts, so
// each script line runs the CLI in a separate process, as a user would.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"twofold": func() { os.Exit(Run(os.Args[1:], stdio())) },
	})
}

// TestScripts runs testdata/script/*.txtar: one transcript per feature.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(e *testscript.Env) error {
			// The real Secret Service of the test command's D-Bus session.
			for _, k := range []string{"DBUS_SESSION_BUS_ADDRESS", "XDG_RUNTIME_DIR"} {
				e.Setenv(k, os.Getenv(k))
			}
			return nil
		},
		Condition: func(cond string) (bool, error) {
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
			// plugkey SERIAL [LIMIT]: a software YubiKey in vpcd's second
			// reader (the hardware package's tests use the first).
			"plugkey": func(ts *testscript.TestScript, neg bool, args []string) {
				addr, reader, err := testenv.VPCDAddr(1)
				if err != nil {
					if testenv.Required() {
						ts.Fatalf("%v is missing, but TWOFOLD_TEST_SERVICES=1 asks for it", err)
					}
					ts.Fatalf("%v is missing (skip this script with [!exec:ykman] on machines without the test services)", err)
				}
				card := cardsim.New(uint32(atoi(ts, args[0])))
				if len(args) > 1 {
					card.Limit = atoi(ts, args[1])
				}
				plug, err := card.Plug(addr)
				ts.Check(err)
				waitReader(ts, reader, true)
				plugs[ts] = plug
				ts.Defer(func() {
					plug.Unplug()
					waitReader(ts, reader, false)
				})
			},
			"unplugkey": func(ts *testscript.TestScript, neg bool, args []string) {
				_, reader, _ := testenv.VPCDAddr(1)
				plugs[ts].Unplug()
				waitReader(ts, reader, false)
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
	})
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

var plugs = map[*testscript.TestScript]*cardsim.Plug{}

// waitReader waits until pcscd reports a key in reader (or none).
func waitReader(ts *testscript.TestScript, reader string, present bool) {
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		keys, _ := hardware.KeysIn(reader)
		if slices.ContainsFunc(keys, func(k hardware.Key) bool { return k.Reader == reader }) == present {
			return
		}
	}
	ts.Fatalf("the key in %s did not come or go", reader)
}
