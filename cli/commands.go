package cli

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"twofold/accounts"
	"twofold/clockcheck"
	"twofold/internal/buildinfo"
	"twofold/internal/i18n"
)

type listEntry struct {
	ID        string `json:"id"`
	Issuer    string `json:"issuer"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Algorithm string `json:"algorithm"`
	Digits    int    `json:"digits"`
	Period    int    `json:"period"`
	Counter   uint64 `json:"counter"`
	Warning   string `json:"warning,omitempty"`
}

func runList(s *session, args []string) error {
	fs := s.flags("list")
	asJSON := fs.Bool("json", false, i18n.T("print JSON"))
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr(i18n.T("list takes no arguments"))
	}
	v, err := s.read()
	if err != nil {
		return err
	}
	defer v.Close()
	out := []listEntry{}
	for _, a := range v.Accounts {
		out = append(out, listEntry{a.ID, a.Issuer, a.Name, string(a.Kind), string(a.Algorithm), a.Digits, a.Period, a.Counter, a.Warning})
	}
	if *asJSON {
		return writeJSON(s.jsonOut, out)
	}
	tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, i18n.T("ID\tISSUER\tNAME\tTYPE\tDETAILS"))
	for _, e := range out {
		details := i18n.Tf("%s, %d digits, %d s", e.Algorithm, e.Digits, e.Period)
		if e.Type == string(accounts.HOTP) {
			details = i18n.Tf("%s, %d digits, counter %d", e.Algorithm, e.Digits, e.Counter)
		}
		if e.Warning != "" {
			details += i18n.Tf(" (warning: %s)", e.Warning)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.ID, e.Issuer, e.Name, e.Type, details)
	}
	return tw.Flush()
}

type codeEntry struct {
	ID        string `json:"id"`
	Issuer    string `json:"issuer"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	Code      string `json:"code"`
	Remaining int    `json:"remaining"`
}

// codeClock is the clock codes are made for: the time --at names (a
// Unix time in seconds); with --ntp, the time server's time
// (TWOFOLD_NTP_SERVER, or clockcheck's default), for a computer whose
// clock is off; else the computer's. The server is asked here, once,
// before any vault or key is opened; the clock is read when the codes
// are made (after a password prompt, say).
func codeClock(at string, ntp bool) (func() time.Time, error) {
	if ntp {
		if at != "" {
			return nil, usageErr(i18n.T("give --at or --ntp, not both"))
		}
		server := cmp.Or(os.Getenv("TWOFOLD_NTP_SERVER"), clockcheck.DefaultServer)
		off, err := clockcheck.Offset(server, 5*time.Second)
		if err != nil {
			return nil, fmt.Errorf("--ntp: %w", err)
		}
		return func() time.Time { return time.Now().Add(off) }, nil
	}
	if at == "" {
		return time.Now, nil
	}
	sec, err := strconv.ParseInt(at, 10, 64)
	if err != nil || sec < 0 {
		return nil, usagef(i18n.T("--at wants a Unix time in seconds, not %q"), at)
	}
	return func() time.Time { return time.Unix(sec, 0) }, nil
}

func runCode(s *session, args []string) error {
	fs := s.flags("code")
	asJSON := fs.Bool("json", false, i18n.T("print JSON"))
	at := fs.String("at", "", i18n.T("Unix time to compute the codes for (default: now)"))
	ntp := fs.Bool("ntp", false, i18n.T("compute the codes for the time server's time, when this computer's clock is off"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usageErr(i18n.T("code takes at most one QUERY"))
	}
	clock, err := codeClock(*at, *ntp)
	if err != nil {
		return err
	}
	v, err := s.read()
	if err != nil {
		return err
	}
	defer v.Close()
	now := clock()
	query := strings.Join(pos, "")
	out := []codeEntry{}
	for _, a := range v.Accounts {
		if !a.Matches(query) {
			continue
		}
		code, err := a.Code(now)
		if err != nil {
			return err
		}
		out = append(out, codeEntry{a.ID, a.Issuer, a.Name, string(a.Kind), code, int(a.Remaining(now).Round(time.Second) / time.Second)})
	}
	if len(out) == 0 && query != "" {
		return i18n.Errorf("no account matches %q", query)
	}
	if *asJSON {
		return writeJSON(s.jsonOut, out)
	}
	tw := tabwriter.NewWriter(s.env.Stdout, 0, 4, 2, ' ', 0)
	for _, e := range out {
		left := fmt.Sprintf("%ds", e.Remaining)
		if e.Type == string(accounts.HOTP) {
			left = i18n.T("(counter)")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", e.Issuer, e.Name, e.Code, left)
	}
	return tw.Flush()
}

func runNext(s *session, args []string) error {
	v, query, err := openWithOneArg(s, "next", i18n.T("next wants one QUERY naming an HOTP account"), args)
	if err != nil {
		return err
	}
	defer v.Close()
	a, err := only(v.Accounts, func(a *accounts.Account) bool {
		return a.Kind == accounts.HOTP && (a.ID == query || a.Matches(query))
	}, i18n.Tf("no counter-based (HOTP) account matches %q", query), i18n.T("%d HOTP accounts match %q; give its ID (see 'twofold list')"), query)
	if err != nil {
		return err
	}
	code, err := a.Next()
	if err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, code)
	return nil
}

// openWithOneArg parses a command taking one argument and opens the
// vault for changing it.
func openWithOneArg(s *session, name, usageMsg string, args []string) (*accounts.Vault, string, error) {
	pos, err := parse(s.flags(name), args)
	if err != nil {
		return nil, "", err
	}
	if len(pos) != 1 {
		return nil, "", usagef("%s", usageMsg)
	}
	v, err := s.open()
	return v, pos[0], err
}

// only returns the one account keep selects; none and several word the
// errors (several is a format of the count and arg).
func only(accts []*accounts.Account, keep func(*accounts.Account) bool, none, several string, arg string) (*accounts.Account, error) {
	var found []*accounts.Account
	for _, a := range accts {
		if keep(a) {
			found = append(found, a)
		}
	}
	switch len(found) {
	case 0:
		return nil, errors.New(none)
	case 1:
		return found[0], nil
	}
	return nil, fmt.Errorf(several, len(found), arg)
}

func runAdd(s *session, args []string) error {
	fs := s.flags("add")
	secret := fs.String("secret", "", i18n.T("the secret key the site shows (base32; '-' reads it from stdin)"))
	issuer := fs.String("issuer", "", i18n.T("the service, e.g. GitHub"))
	name := fs.String("name", "", i18n.T("the account, e.g. an e-mail address"))
	kind := fs.String("type", "totp", i18n.T("totp, hotp or steam"))
	algo := fs.String("algorithm", "SHA1", i18n.T("SHA1, SHA256 or SHA512"))
	digits := fs.Int("digits", 0, i18n.T("code length (default 6; Steam 5)"))
	period := fs.Int("period", accounts.DefaultPeriod, i18n.T("seconds per code (TOTP)"))
	counter := fs.Uint64("counter", 0, i18n.T("counter (HOTP)"))
	image := fs.Bool("image", false, i18n.T("the arguments are image files or folders holding QR codes"))
	screen := fs.Bool("screen", false, i18n.T("add from QR codes on the screen"))
	clip := fs.Bool("clipboard", false, i18n.T("add from a QR code image on the clipboard"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if (*secret != "" && *secret != "-") || (!*image && len(pos) > 0 && pos[0] != "-") {
		s.warnSecretInArgs("twofold add -")
	}
	var found []*accounts.Account
	var problems []string
	switch {
	case *secret != "" && (len(pos) > 0 || *image || *screen || *clip):
		return usageErr(i18n.T("give either URIs, images or --secret, not two of them"))
	case *image || *screen || *clip:
		if *image && len(pos) == 0 {
			return usageErr(i18n.T("add --image wants image files or folders"))
		}
		if !*image && len(pos) > 0 {
			return usageErr(i18n.T("give --image to add from image files"))
		}
		if found, problems, err = s.imageAccounts(pos, *screen, *clip); err != nil {
			return err
		}
	case *secret != "":
		a, err := manualAccount(s, *secret, *issuer, *name, *kind, *algo, *digits, *period, *counter)
		if err != nil {
			return err
		}
		found = append(found, a)
	case len(pos) == 0:
		return usageErr(i18n.T("add wants an otpauth URI or --secret"))
	default:
		if len(pos) == 1 && pos[0] == "-" {
			if pos, err = s.stdinLines(); err != nil {
				return err
			}
		}
		for i, uri := range pos {
			accts, err := parsePayload(uri)
			if err != nil {
				problems = append(problems, i18n.Tf("URI %d: %v", i+1, err))
			}
			found = append(found, accts...)
		}
	}
	if len(found) == 0 {
		switch {
		case s.stopped != nil:
			return s.stoppedAdding(0)
		case len(problems) == 0:
			return i18n.Error("nothing to add")
		}
		return errors.New(strings.Join(problems, "; "))
	}
	v, err := s.openOrCreate()
	if err != nil {
		return err
	}
	defer v.Close()
	added := 0
	now := time.Now()
	for _, a := range found {
		shares := v.SharesSecret(a)
		if err := v.Add(a); err != nil {
			if errors.Is(err, accounts.ErrDuplicate) {
				fmt.Fprintln(s.env.Stdout, i18n.Tf("Skipped %s: it is already in the vault.", v.Same(a).Label()))
				continue
			}
			problems = append(problems, fmt.Sprintf("%s: %v", a.Label(), err))
			continue
		}
		added++
		code, _ := a.Code(now)
		fmt.Fprintln(s.env.Stdout, i18n.Tf("Added %s (id %s). Its code now is %s: enter it on the site to finish setting up.", a.Label(), a.ID, code))
		if a.Warning != "" {
			fmt.Fprintln(s.env.Stdout, i18n.Tf("  Note: %s.", a.Warning))
		}
		if shares != nil {
			fmt.Fprintln(s.env.Stdout, i18n.Tf("  Note: it has the same secret as %s: if it is the same account, delete one.", shares.Label()))
		}
	}
	if added > 0 {
		if err := v.Save(); err != nil {
			return err
		}
	}
	if s.stopped != nil {
		return s.stoppedAdding(added)
	}
	if len(problems) > 0 {
		return errors.New(strings.Join(problems, "; "))
	}
	return nil
}

// parsePayload reads an otpauth or otpauth-migration URI.
func parsePayload(uri string) ([]*accounts.Account, error) {
	if strings.HasPrefix(strings.ToLower(uri), accounts.MigrationScheme+":") {
		b, err := accounts.ParseMigration(uri)
		if b == nil {
			return nil, err
		}
		return b.Accounts, err
	}
	a, err := accounts.ParseURI(uri)
	if err != nil {
		return nil, err
	}
	return []*accounts.Account{a}, nil
}

func manualAccount(s *session, secret, issuer, name, kind, algo string, digits, period int, counter uint64) (*accounts.Account, error) {
	if secret == "-" {
		lines, err := s.stdinLines()
		if err != nil {
			return nil, err
		}
		secret = strings.Join(lines, "")
	}
	key, err := accounts.DecodeSecret(secret)
	if err != nil {
		return nil, err
	}
	if issuer == "" && name == "" {
		return nil, usageErr(i18n.T("give --issuer or --name so you can tell the account apart"))
	}
	a := &accounts.Account{Issuer: issuer, Name: name, Kind: accounts.Kind(strings.ToLower(kind)),
		Algorithm: accounts.Algorithm(strings.ToUpper(algo)), Digits: digits, Period: period, Counter: counter, Secret: key}
	switch a.Kind {
	case accounts.HOTP:
		a.Period = 0
	case accounts.Steam:
		if a.Digits == 0 {
			a.Digits = accounts.SteamDigits
		}
	}
	if a.Digits == 0 {
		a.Digits = accounts.DefaultDigits
	}
	if err := a.Validate(); err != nil {
		return nil, err
	}
	return a, nil
}

func runRemove(s *session, args []string) error {
	v, id, err := openWithOneArg(s, "remove", i18n.T("remove wants one account ID (see 'twofold list')"), args)
	if err != nil {
		return err
	}
	defer v.Close()
	a, err := only(v.Accounts, func(a *accounts.Account) bool { return strings.HasPrefix(a.ID, id) },
		i18n.Tf("no account has the ID %q (see 'twofold list')", id), i18n.T("%d accounts have IDs starting with %q; give more of it"), id)
	if err != nil {
		return err
	}
	if _, err := v.Remove(a.ID); err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	if gens := v.Generations(); len(gens) > 0 {
		fmt.Fprintln(s.env.Stdout, i18n.Tf("Removed %s. The vault as it was before is kept as %s.", a.Label(), gens[0]))
	} else {
		fmt.Fprintln(s.env.Stdout, i18n.Tf("Removed %s.", a.Label()))
	}
	return nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// runVersion says which Twofold this is, under which licence, and which
// vault it would open (creating nothing).
func runVersion(s *session, args []string) error {
	rest, err := parse(s.flags("version"), args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return usageErr(i18n.T("version takes no arguments"))
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Twofold %s\nLicence: %s", buildinfo.Current(), buildinfo.Licence))
	p, err := s.vaultPath()
	if err != nil {
		return err
	}
	state := i18n.T("not created yet")
	if _, err := os.Stat(p); err == nil {
		state = i18n.T("exists")
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Vault: %s (%s)", p, state))
	return nil
}

// stoppedAdding is the one line that ends an `add --image` that Ctrl+C
// stopped: what the images scanned so far gave is added.
func (s *session) stoppedAdding(added int) error {
	return errors.New(i18n.Tf("stopped after %s; %s", i18n.Tf("%d of %d images", s.stopped.done, s.stopped.total), i18n.Nf("%d accounts added", added, added)))
}
