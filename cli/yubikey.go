package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/internal/i18n"
)

// twofold yubikey info|list|code|add|delete|password|reset: accounts
// kept on a YubiKey's OATH application, whose secrets never leave it.
// --password-file is the key's OATH password here.
func runYubikey(s *session, args []string) error {
	if len(args) == 0 {
		return usageErr(i18n.T("yubikey wants info, list, code, add, delete, password or reset"))
	}
	fs := s.flags("yubikey")
	reader := fs.String("reader", os.Getenv("TWOFOLD_YUBIKEY"), i18n.T("the key to use: its serial, or (part of) its reader's name (default: $TWOFOLD_YUBIKEY)"))
	asJSON := fs.Bool("json", false, i18n.T("print JSON (list, code)"))
	at := fs.String("at", "", i18n.T("code: Unix time to compute the codes for (default: now)"))
	ntp := fs.Bool("ntp", false, i18n.T("code: the time server's time, when this computer's clock is off"))
	touch := fs.Bool("touch", false, i18n.T("add: the key computes the code only when touched"))
	also := fs.String("also", "", i18n.T("add: write the account to this second key too (a spare)"))
	force := fs.Bool("force", false, i18n.T("reset: do not ask"))
	replace := fs.Bool("replace", false, i18n.T("add: replace an account of the same name on the key (its old secret is lost)"))
	newPwFile := fs.String("new-password-file", "", i18n.T("password set: read the new password from this file"))
	pos, err := parse(fs, args[1:])
	if err != nil {
		return err
	}
	sub := args[0]
	if sub == "info" {
		return yubikeyInfo(s, *reader)
	}
	// --ntp asks its server before the key is held.
	clock, err := codeClock(*at, *ntp)
	if err != nil {
		return err
	}
	k, err := s.openKey(*reader)
	if err != nil {
		return err
	}
	defer k.Close()
	switch sub {
	case "list":
		return yubikeyList(s, k, *asJSON)
	case "code":
		return yubikeyCode(s, k, pos, clock(), *asJSON)
	case "add":
		if len(pos) != 1 {
			return usageErr(i18n.T("yubikey add wants one otpauth URI ('-' reads it from stdin)"))
		}
		return yubikeyAdd(s, k, pos[0], *touch, *also, *replace)
	case "delete":
		if len(pos) != 1 {
			return usageErr(i18n.T("yubikey delete wants the account's name (see 'twofold yubikey list')"))
		}
		list, err := k.List()
		if err != nil {
			return err
		}
		c, err := hardware.Find(list, pos[0])
		if err != nil {
			return err
		}
		if err := k.Delete(c.Name); err != nil {
			return err
		}
		fmt.Fprintln(s.env.Stdout, i18n.Tf("Deleted %s from %s.", c.Name, k.Name()))
		return nil
	case "password":
		return yubikeyPassword(s, k, pos, *newPwFile)
	case "reset":
		return yubikeyReset(s, k, *force)
	}
	return usagef(i18n.T("unknown yubikey command %q"), sub)
}

// openKey opens the chosen key and, if its OATH application has a
// password, unlocks it with --password-file or a prompt.
func (s *session) openKey(which string) (*hardware.Session, error) {
	return s.unlockKey(hardware.Open(which))
}

// unlockKey asks for a just opened key's password if it has one.
func (s *session) unlockKey(k *hardware.Session, err error) (*hardware.Session, error) {
	if err != nil {
		return nil, err
	}
	if k.Protected {
		pw, err := s.password(s.passwordFile, k.Name())
		if err != nil {
			k.Close()
			if errors.Is(err, errNoPassword) {
				return nil, hardware.ErrPasswordNeeded
			}
			return nil, err
		}
		if err := k.Unlock(string(pw)); err != nil {
			k.Close()
			return nil, err
		}
	}
	return k, nil
}

func yubikeyInfo(s *session, which string) error {
	keys, err := hardware.KeysIn(which)
	if err != nil {
		return err
	}
	if len(keys) == 0 {
		return hardware.ErrNoKey
	}
	for _, key := range keys {
		if !key.Matches(which) {
			continue
		}
		line := i18n.Tf("%s: firmware %s, in %s", key.Name(), key.Version, key.Reader)
		if key.Serial == 0 { // named by its reader: the device id tells it apart
			line = i18n.Tf("%s: firmware %s, no serial, OATH device id %s", key.Name(), key.Version, key.Device)
		}
		if key.Protected {
			line += i18n.T(", OATH password set")
		}
		if k, err := hardware.Open(key.Reader); err == nil {
			if list, err := k.List(); err == nil {
				line += ", " + key.Used(len(list))
			}
			k.Close()
		}
		fmt.Fprintln(s.env.Stdout, line+".")
	}
	return nil
}

type keyCred struct {
	Name    string `json:"name"`
	Issuer  string `json:"issuer"`
	Account string `json:"account"`
	Type    string `json:"type"`
	Period  int    `json:"period,omitempty"`
	Touch   bool   `json:"touch,omitempty"`
	Code    string `json:"code,omitempty"`
}

func yubikeyList(s *session, k *hardware.Session, asJSON bool) error {
	codes, err := k.CalculateAll(time.Now()) // tells which need a touch
	if err != nil {
		return err
	}
	if asJSON {
		out := []keyCred{}
		for _, c := range codes {
			out = append(out, keyCred{Name: c.Name, Issuer: c.Issuer, Account: c.Account, Type: string(c.Kind), Period: c.Period, Touch: c.Touch})
		}
		return json.NewEncoder(s.jsonOut).Encode(out)
	}
	tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("NAME\tTYPE\tDETAILS"))
	for _, c := range codes {
		details := fmt.Sprintf("%d s", c.Period)
		if c.Kind == "hotp" {
			details = i18n.T("counter")
		}
		if c.Touch {
			details += i18n.T(", touch")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.Name, strings.ToUpper(string(c.Kind)), details)
	}
	tw.Flush()
	fmt.Fprintln(s.env.Stdout, i18n.Tf("%s on %s.", k.Used(len(codes)), k.Name()))
	return nil
}

func yubikeyCode(s *session, k *hardware.Session, pos []string, now time.Time, asJSON bool) error {
	codes, err := k.CalculateAll(now)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		var creds []hardware.Credential
		for _, c := range codes {
			creds = append(creds, c.Credential)
		}
		c, err := hardware.Find(creds, strings.Join(pos, " "))
		if err != nil {
			return err
		}
		for _, code := range codes {
			if code.Name == c.Name {
				codes = []hardware.Code{code}
			}
		}
		// Asked for by name: HOTP and touch accounts are computed too.
		if codes[0].Code == "" {
			if codes[0].Touch {
				fmt.Fprintln(s.env.Stderr, i18n.T("Touch your YubiKey…"))
			}
			if codes[0].Code, err = k.Calculate(codes[0].Credential, now); err != nil {
				return err
			}
		}
	}
	if asJSON {
		out := []keyCred{}
		for _, c := range codes {
			out = append(out, keyCred{Name: c.Name, Issuer: c.Issuer, Account: c.Account, Type: string(c.Kind), Period: c.Period, Touch: c.Touch, Code: c.Code})
		}
		return json.NewEncoder(s.jsonOut).Encode(out)
	}
	tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
	for _, c := range codes {
		code := c.Code
		switch {
		case code != "":
		case c.Touch:
			code = i18n.T("[touch: name it to compute]")
		default:
			code = i18n.T("[HOTP: name it to compute]")
		}
		fmt.Fprintf(tw, "%s\t%s\n", c.Name, code)
	}
	return tw.Flush()
}

func yubikeyAdd(s *session, k *hardware.Session, uri string, touch bool, also string, replace bool) error {
	if uri != "-" {
		s.warnSecretInArgs("twofold yubikey add -")
	}
	if uri == "-" {
		lines, err := s.stdinLines()
		if err != nil {
			return err
		}
		if len(lines) != 1 {
			return usageErr(i18n.T("yubikey add - wants one URI on standard input"))
		}
		uri = lines[0]
	}
	found, err := parsePayload(uri)
	if err != nil {
		return err
	}
	if len(found) != 1 {
		return usageErr(i18n.T("yubikey add takes one account at a time"))
	}
	a := found[0]
	keys := []*hardware.Session{k}
	if also != "" {
		k2, err := s.unlockKey(hardware.OpenOther(also, k))
		if err != nil {
			return i18n.Errorf("the second key (--also): %w; nothing was written", err)
		}
		defer k2.Close()
		keys = append(keys, k2)
	}
	// Check every key (room, and the name) before writing to any.
	held := map[*hardware.Session]bool{}
	for _, key := range keys {
		_, names, err := key.CheckRoom([]*accounts.Account{a})
		if err != nil {
			return err
		}
		if len(names) > 0 && !replace {
			return i18n.Errorf("%s already holds %s: give --replace to replace it (its old secret is lost); nothing was written", key.Name(), names[0])
		}
		held[key] = len(names) > 0
	}
	// The spare first: if the first key then fails, the spare's new
	// account is taken back, so both keys hold it or neither does.
	slices.Reverse(keys)
	var written []*hardware.Session
	for _, key := range keys {
		put := key.Put
		if held[key] {
			put = key.Replace
		}
		c, err := put(a, touch)
		if err != nil {
			return s.undoPut(a, written, held, fmt.Errorf("%s: %w", key.Name(), err))
		}
		written = append(written, key)
		list, _ := key.List()
		fmt.Fprintln(s.env.Stdout, i18n.Tf("Added %s to %s (%s).", c.Name, key.Name(), key.Used(len(list))))
		if left := key.Capacity() - len(list); key.Capacity() > 0 && left <= hardware.FewLeft {
			fmt.Fprintln(s.env.Stderr, i18n.Tf("Note: %s has room for %d more.", key.Name(), left))
		}
	}
	if also == "" {
		fmt.Fprintln(s.env.Stderr, i18n.T("The secret cannot be read back from a YubiKey: keep a second key (--also) or a backup of the QR code."))
	}
	return nil
}

// undoPut takes a back off the keys already written after a later key
// failed, where it was new there (a replaced account cannot be put back:
// its old secret is gone), and says exactly which key holds what.
func (s *session) undoPut(a *accounts.Account, written []*hardware.Session, replaced map[*hardware.Session]bool, failed error) error {
	name := hardware.StoredName(a)
	var still []string
	for _, key := range written {
		if replaced[key] || key.Delete(name) != nil {
			still = append(still, key.Name())
		}
	}
	if len(still) > 0 {
		return i18n.Errorf("%w; %s holds %s, the other key does not", failed, strings.Join(still, i18n.T(" and ")), name)
	}
	if len(written) > 0 {
		return i18n.Errorf("%w; it was taken back off %s, so no key holds it", failed, written[0].Name())
	}
	return i18n.Errorf("%w; nothing was written", failed)
}

func yubikeyPassword(s *session, k *hardware.Session, pos []string, newFile string) error {
	if len(pos) != 1 || (pos[0] != "set" && pos[0] != "clear") {
		return usageErr(i18n.T("yubikey password wants set or clear"))
	}
	if pos[0] == "clear" {
		if err := k.ClearPassword(); err != nil {
			return err
		}
		fmt.Fprintln(s.env.Stdout, i18n.Tf("The OATH password of %s is cleared.", k.Name()))
		return nil
	}
	pw, err := s.newSecret(newFile, k.Name())
	if err != nil {
		return err
	}
	if err := k.SetPassword(string(pw)); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("The OATH password of %s is set.", k.Name()))
	return nil
}

func yubikeyReset(s *session, k *hardware.Session, force bool) error {
	list, _ := k.List()
	if !force {
		f, ok := s.env.Stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return usageErr(i18n.T("yubikey reset erases every account on the key: give --force to confirm"))
		}
		fmt.Fprint(s.env.Stderr, i18n.Tf("Erase all %d accounts and the password on %s? Their secrets cannot be recovered. Type 'reset' to confirm: ", len(list), k.Name()))
		var answer string
		fmt.Fscanln(s.env.Stdin, &answer)
		if answer != "reset" {
			return i18n.Error("nothing was erased")
		}
	}
	if err := k.Reset(); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Erased the OATH application of %s (%s).", k.Name(), i18n.Nf("%d accounts", len(list), len(list))))
	return nil
}
