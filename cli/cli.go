// Package cli is Twofold's command line: the contract in docs/cli.md.
// Run takes the arguments and returns the exit status (0 done, 1 failed,
// 2 bad usage). It never starts the GUI toolkit; with no command it calls
// Env.GUI, which main wires to package ui.
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"

	"twofold/internal/i18n"
)

// Env is what a run of the CLI talks to.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// GUI opens the app on the given vault path ("" = default), in the
	// system tray only (no window) if inTray; nil means this build has
	// none.
	GUI func(vaultPath string, inTray bool) int
}

// errQuiet fails a command whose errors were already printed.
var errQuiet = errors.New("failed")

// Exit statuses.
const (
	ExitOK    = 0
	ExitFail  = 1
	ExitUsage = 2
)

// usageError is a mistake in the command line itself (exit status 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// usageErr is a usage error of a sentence already in the user's language.
func usageErr(msg string) error { return &usageError{msg} }

func usagef(format string, args ...any) error {
	return &usageError{fmt.Sprintf(format, args...)}
}

var usage = i18n.Key(`Usage:
  twofold [--in-tray]                    open the app (--in-tray: in the system tray, no window)
  twofold list [--json]                  list accounts (never secrets)
  twofold code [QUERY] [--at UNIX | --ntp] [--json]
  twofold next QUERY                     advance an HOTP counter, print the new code
  twofold add URI...                     otpauth:// or otpauth-migration:// ("-" reads lines from stdin)
  twofold add --secret S --issuer I --name N [--type totp|hotp|steam]
              [--algorithm SHA1|SHA256|SHA512] [--digits D] [--period P] [--counter C]
  twofold add --image FILE|DIR... | --screen | --clipboard
                                         add from QR codes in images (folders: recursively)
  twofold scan FILE|DIR... [--screen] [--clipboard] [--json]
                                         what the QR codes hold; changes nothing
  twofold remove ID
  twofold export --format twofold|otpauth|aegis|qr|ga-transfer|pdf --out PATH
              [--password-file F] [--encrypt] [--per-code N]
                                         write every account out, then read it back to check
  twofold import FILE|DIR... [--format F] [--password-file F] [--dry-run]
                                         accounts from a backup, another app's export or QR images
  twofold yubikey info|list|code [QUERY]|add URI [--touch] [--also KEY]|delete NAME|
                 password set|clear|reset [--force]    [--reader SERIAL|READER]
                                         accounts computed on a YubiKey (its OATH password: --password-file)
  twofold vault info
  twofold vault status                   the computers that use the vault, the last merge, sync conflict copies
  twofold vault move PATH                move the vault (say into a synced folder) and use it there
  twofold vault use PATH                 use the vault at PATH (say one synced from another computer)
  twofold version                        version, licence and where the vault is (also --version)
  twofold vault protect --password|--keyring|--yubikey [--slot S] [--touch] [--reader KEY]
  twofold vault unprotect --password|--keyring|--yubikey SERIAL
Global: --vault PATH (or TWOFOLD_VAULT), --password-file F ("-" = stdin),
        --pin-file F (a YubiKey's PIV PIN that opens the vault)
`)

type command struct {
	run func(s *session, args []string) error
}

var commands = map[string]command{
	"list":    {runList},
	"code":    {runCode},
	"next":    {runNext},
	"add":     {runAdd},
	"remove":  {runRemove},
	"vault":   {runVault},
	"scan":    {runScan},
	"export":  {runExport},
	"import":  {runImport},
	"yubikey": {runYubikey},
	"version": {runVersion},
}

// hasDisplay reports whether a window can open: on Linux and the BSDs
// only with an X or Wayland display (the GUI toolkit would otherwise
// stop with a panic).
func hasDisplay(getenv func(string) string) bool {
	switch runtime.GOOS {
	case "windows", "darwin":
		return true
	}
	return getenv("DISPLAY") != "" || getenv("WAYLAND_DISPLAY") != ""
}

// Run runs one command line (without the program name).
func Run(args []string, env Env) int {
	// Text for people goes through the escaper; JSON for programs does not.
	s := &session{env: env, jsonOut: env.Stdout, rawStderr: env.Stderr}
	s.env.Stdout = &escaper{w: env.Stdout}
	s.env.Stderr = &escaper{w: env.Stderr}
	global := s.flags("twofold")
	global.BoolVar(&s.showVersion, "version", false, i18n.T("print the version and exit"))
	inTray := global.Bool("in-tray", false, i18n.T("open the app in the system tray, without its window (as at login)"))
	rest, err := parseUntilCommand(global, args)
	if err != nil {
		return s.fail(err)
	}
	if len(rest) == 0 && !s.showVersion {
		if env.GUI == nil {
			return s.fail(usageErr(i18n.T("no command given")))
		}
		if !hasDisplay(os.Getenv) {
			return s.fail(errors.New(i18n.T("there is no display to open the window on (DISPLAY and WAYLAND_DISPLAY are not set); give a command, such as \"twofold list\"")))
		}
		return env.GUI(s.vaultFlag, *inTray)
	}
	if s.showVersion {
		rest = []string{"version"} // --version wins over a command
	}
	name := rest[0]
	switch name {
	case "help", "-h", "--help":
		fmt.Fprint(s.env.Stdout, i18n.T(usage))
		return ExitOK
	}
	cmd, ok := commands[name]
	if !ok {
		return s.fail(usagef(i18n.T("unknown command %q"), name))
	}
	return s.fail(cmd.run(s, rest[1:]))
}

// parseUntilCommand reads global flags up to the command name.
func parseUntilCommand(fs *flag.FlagSet, args []string) ([]string, error) {
	if err := fs.Parse(args); err != nil {
		return nil, usagef("%v", err)
	}
	return fs.Args(), nil
}

// parse reads flags anywhere among the arguments and returns the others.
// After "--" everything is positional.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional, tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usagef("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(positional, tail...), nil
		}
		if args[0] == "-" || !strings.HasPrefix(args[0], "-") {
			positional = append(positional, args[0])
			args = args[1:]
		}
	}
}

// fail prints err as one sentence and maps it to an exit status.
func (s *session) fail(err error) int {
	if err == nil {
		return ExitOK
	}
	if errors.Is(err, flag.ErrHelp) {
		return ExitOK
	}
	if errors.Is(err, errQuiet) {
		return ExitFail
	}
	msg := explain(err, s.path)
	fmt.Fprintf(s.env.Stderr, "twofold: %s\n", msg)
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintln(s.env.Stderr, i18n.T("Run 'twofold help' for usage."))
		return ExitUsage
	}
	return ExitFail
}

// stdio is the Env of a real process.
func stdio() Env { return Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr} }

// Main runs the CLI on the process's arguments and exits.
func Main(gui func(vaultPath string, inTray bool) int) {
	i18n.Set("") // the system's language; the app may choose another
	env := stdio()
	env.GUI = gui
	os.Exit(Run(os.Args[1:], env))
}
