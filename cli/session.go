package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"twofold/accounts"
	"twofold/internal/bounded"
	"twofold/internal/i18n"
)

// session carries the global flags and opens the vault for a command.
type session struct {
	env          Env
	jsonOut      io.Writer // the raw standard output, for JSON
	rawStderr    io.Writer // the raw standard error, for progress on a terminal
	weakPassword bool      // --weak-password: accept a short new password
	showVersion  bool      // --version: the version command
	vaultFlag    string
	passwordFile string
	pinFile      string // --pin-file: a YubiKey's PIV PIN
	path         string // resolved vault path, once known
	stdinUsed    bool
	// stopped is set when Ctrl+C ended a scan of images early.
	stopped *scanStop
}

// flags makes a flag set that also knows the global flags, so they may
// come before or after the command.
func (s *session) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&s.vaultFlag, "vault", s.vaultFlag, i18n.T("vault file"))
	fs.StringVar(&s.passwordFile, "password-file", s.passwordFile, i18n.T("read the vault password from this file (- = stdin)"))
	fs.BoolVar(&s.weakPassword, "weak-password", s.weakPassword, i18n.T("accept a new password shorter than 8 characters"))
	fs.StringVar(&s.pinFile, "pin-file", s.pinFile, i18n.T("read the YubiKey's PIV PIN from this file (- = stdin)"))
	return fs
}

func (s *session) vaultPath() (string, error) {
	if s.path == "" {
		p, err := accounts.VaultPath(s.vaultFlag)
		if err != nil {
			return "", err
		}
		s.path = p
	}
	return s.path, nil
}

// unlockers are tried in this order: the keyring (no prompt), then a
// YubiKey's slot (its PIN asked only if that key is plugged in), then a
// password, asked for only if neither opens the vault.
func (s *session) unlockers() []accounts.Unlocker {
	return []accounts.Unlocker{accounts.KeyringSlot{}, s.yubikeyUnlocker(), &lazyPassword{get: func() ([]byte, error) {
		return s.password(s.passwordFile, i18n.T("the vault"))
	}}}
}

// open opens the vault for changing it (holding its lock).
func (s *session) open() (*accounts.Vault, error) {
	p, err := s.vaultPath()
	if err != nil {
		return nil, err
	}
	return accounts.Open(p, s.unlockers()...)
}

// read opens the vault for reading only.
func (s *session) read() (*accounts.Vault, error) {
	p, err := s.vaultPath()
	if err != nil {
		return nil, err
	}
	return accounts.Read(p, s.unlockers()...)
}

// openOrCreate opens the vault, creating it under the keyring if there
// is none yet.
func (s *session) openOrCreate() (*accounts.Vault, error) {
	v, err := s.open()
	if !errors.Is(err, accounts.ErrNoVault) {
		return v, err
	}
	v, err = accounts.Create(s.path, accounts.KeyringSlot{})
	if errors.Is(err, accounts.ErrKeyringUnavailable) {
		return nil, fmt.Errorf("%w; %w", err, errCannotCreate)
	}
	if err == nil {
		fmt.Fprintln(s.env.Stderr, i18n.Tf("Created a new vault at %s, its key kept in the OS keyring.", s.path))
	}
	return v, err
}

var errCannotCreate = i18n.Error("so no vault can be created under it: to protect the vault with a password instead, run 'twofold vault protect --password'")

// lazyPassword asks for the password only when a password slot is
// tried, and only once however many slots there are.
type lazyPassword struct {
	get func() ([]byte, error)
	pw  []byte
}

func (l *lazyPassword) SlotType() string { return accounts.SlotPassword }

func (l *lazyPassword) Unlock(st accounts.Stanza) ([]byte, error) {
	if l.pw == nil {
		pw, err := l.get()
		if err != nil {
			return nil, err
		}
		l.pw = pw
	}
	return (&accounts.PasswordSlot{Password: l.pw}).Unlock(st)
}

// needPassword: a password is needed and there is no terminal to ask on.
// It names what the password is for: the vault, a backup, a key.
type needPassword struct{ what string }

func (e needPassword) Error() string {
	return i18n.Tf("%s needs a password: give it with --password-file FILE ('-' for standard input) or run in a terminal", e.what)
}

// Is makes every needPassword match errNoPassword, whatever it names.
func (needPassword) Is(target error) bool { _, ok := target.(needPassword); return ok }

var errNoPassword error = needPassword{}

// password reads the password of what ("the vault", "the backup x.json")
// from file ("-" = stdin) or, with no file, from the terminal.
func (s *session) password(file, what string) ([]byte, error) {
	return s.askPassword(file, i18n.Tf("Password of %s: ", what), what)
}

// askPassword is password with its own prompt.
func (s *session) askPassword(file, prompt, what string) ([]byte, error) {
	if file != "" {
		var data []byte
		var err error
		if file == "-" {
			if s.stdinUsed {
				return nil, usageErr(i18n.T("standard input is already used for something else"))
			}
			s.stdinUsed = true
			data, err = bounded.ReadStream(s.env.Stdin, maxPasswordFile)
		} else {
			data, err = bounded.ReadFile(file, maxPasswordFile)
		}
		if err != nil {
			return nil, i18n.Errorf("read the password file: %w", err)
		}
		defer clear(data)
		pw := []byte(strings.TrimRight(string(data), "\r\n"))
		if len(pw) == 0 {
			return nil, i18n.Error("the password file is empty")
		}
		return pw, nil
	}
	f, ok := s.env.Stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, needPassword{what}
	}
	fmt.Fprint(s.env.Stderr, prompt)
	pw, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(s.env.Stderr)
	if err != nil {
		return nil, i18n.Errorf("read password: %w", err)
	}
	if len(pw) == 0 {
		return nil, i18n.Error("no password given")
	}
	return pw, nil
}

// newPassword reads a new password: from file, or typed twice. A vault
// or backup password must pass accounts.CheckNewPassword, as in the app,
// unless --weak-password says a script knows better.
func (s *session) newPassword(file, what string) ([]byte, error) {
	pw, err := s.newSecret(file, what)
	if err != nil {
		return nil, err
	}
	if err := accounts.CheckNewPassword(string(pw)); err != nil && !s.weakPassword {
		clear(pw)
		return nil, i18n.Errorf("%w (or give --weak-password); nothing was changed", err)
	}
	return pw, nil
}

// newSecret reads a new password of what: from file, or typed twice.
func (s *session) newSecret(file, what string) ([]byte, error) {
	if file != "" {
		return s.password(file, what)
	}
	pw, err := s.askPassword("", i18n.Tf("New password for %s: ", what), what)
	if err != nil {
		return nil, err
	}
	again, err := s.askPassword("", i18n.T("Repeat it: "), what)
	if err != nil {
		return nil, err
	}
	if string(pw) != string(again) {
		return nil, i18n.Error("the two passwords differ; nothing was changed")
	}
	return pw, nil
}

// warnSecretInArgs tells a person at a terminal that a secret given as
// an argument is visible to every local user (ps, /proc) and shows the
// form that reads it from standard input instead. Scripts are not told.
func (s *session) warnSecretInArgs(stdinForm string) {
	if f, ok := s.rawStderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprintln(s.env.Stderr, i18n.Tf("Warning: a secret on the command line is visible to other users of this computer (ps); next time pipe it in: %s", stdinForm))
	}
}

// stdinLines reads the non-empty lines of standard input.
func (s *session) stdinLines() ([]string, error) {
	if s.stdinUsed {
		return nil, usageErr(i18n.T("standard input is already used for something else"))
	}
	s.stdinUsed = true
	data, err := bounded.ReadStream(s.env.Stdin, maxStdin)
	if err != nil {
		return nil, i18n.Errorf("read standard input: %w", err)
	}
	var out []string
	for line := range strings.Lines(string(data)) {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out, nil
}

// Bounds on what the CLI reads from standard input and password files:
// far more than any password or list of links.
const (
	maxPasswordFile = 64 << 10
	maxStdin        = 16 << 20
)

// explain turns an error into the one sentence the user sees.
func explain(err error, path string) string {
	switch {
	case errors.Is(err, accounts.ErrWrongPassword):
		return i18n.T("wrong password; nothing was changed")
	case errors.Is(err, errNoPassword):
		return err.Error()
	case errors.Is(err, accounts.ErrDamaged):
		return i18n.Tf("the vault at %s is damaged (it fails its integrity check); earlier copies of it are kept: 'twofold vault info' lists them", path)
	case errors.As(err, new(*accounts.VersionError)):
		var ve *accounts.VersionError
		errors.As(err, &ve)
		return i18n.Tf("the vault at %s was written by a newer Twofold (format %d; this one reads format %d): update Twofold to open it", path, ve.Version, accounts.FormatVersion)
	case errors.Is(err, accounts.ErrNotVault):
		return i18n.Tf("%s is not a Twofold vault", path)
	case errors.Is(err, accounts.ErrInUse):
		return i18n.T("another Twofold kept writing the vault for too long; try again")
	case errors.Is(err, accounts.ErrKeyChanged):
		return i18n.T("the vault was given a new key (its password changed) since it was opened here; nothing was saved: open it again")
	case errors.Is(err, accounts.ErrOtherVault):
		return i18n.Tf("another vault has replaced the one at %s; nothing was saved", path)
	case errors.Is(err, accounts.ErrNoVault):
		return i18n.Tf("there is no vault at %s yet; add an account with 'twofold add' to create one", path)
	case errors.As(err, new(*accounts.OtherComputersError)):
		var oc *accounts.OtherComputersError
		errors.As(err, &oc)
		return i18n.Tf("this vault opens only with the keyring of %s: there, give it a password ('twofold vault protect --password'), then open it here once with that password", strings.Join(oc.Hosts, ", "))
	case errors.Is(err, accounts.ErrNotPortable):
		return i18n.T("the vault opens only with this computer's keyring: give it a password first ('twofold vault protect --password'), so that your other computers can open it")
	case errors.Is(err, accounts.ErrKeyMissing):
		return i18n.T("the OS keyring holds no key for this vault (was it deleted?); if the vault also has a password, give it with --password-file")
	case errors.Is(err, errCannotCreate):
		return err.Error()
	case errors.Is(err, accounts.ErrKeyringUnavailable):
		return i18n.Tf("%v; the vault's key is kept there, so start or unlock the keyring and try again", err)
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}
