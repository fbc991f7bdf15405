package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"twofold/accounts"
	"twofold/internal/i18n"
)

func runVault(s *session, args []string) error {
	if len(args) == 0 {
		return usageErr(i18n.T("vault wants info, status, protect, unprotect, move, use or forget-copies"))
	}
	switch args[0] {
	case "info":
		return vaultInfo(s, args[1:])
	case "protect":
		return vaultProtect(s, args[1:])
	case "unprotect":
		return vaultUnprotect(s, args[1:])
	case "forget-copies":
		return vaultForgetCopies(s, args[1:])
	case "status":
		return vaultStatus(s, args[1:])
	case "move":
		return vaultMove(s, args[1:])
	case "use":
		return vaultUse(s, args[1:])
	}
	return usagef(i18n.T("unknown vault command %q"), args[0])
}

func vaultInfo(s *session, args []string) error {
	if pos, err := parse(s.flags("vault info"), args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr(i18n.T("vault info takes no arguments"))
	}
	p, err := s.vaultPath()
	if err != nil {
		return err
	}
	info, err := accounts.Inspect(p)
	if err != nil {
		return err
	}
	// The header is checked without a key; the contents need one. Use
	// only what needs no prompt: the keyring, or a given password file.
	status := i18n.Tf("intact (format %d)", info.Version)
	if info.Err == nil {
		unlockers := []accounts.Unlocker{accounts.KeyringSlot{}}
		if s.passwordFile != "" {
			unlockers = s.unlockers()
		}
		v, err := accounts.Read(p, unlockers...)
		switch {
		case err == nil:
			status = i18n.Tf("intact (format %d, %s)", info.Version, i18n.Nf("%d accounts", len(v.Accounts), len(v.Accounts)))
			v.Close()
		case errors.Is(err, accounts.ErrDamaged):
			info.Err = err
		default:
			status = i18n.Tf("header intact (format %d); contents not checked: %s", info.Version, explain(err, p))
		}
	}
	w := s.env.Stdout
	fmt.Fprintln(w, i18n.Tf("Vault:   %s", info.Path))
	if info.Err != nil {
		fmt.Fprintln(w, i18n.Tf("Status:  cannot be opened: %s", explain(info.Err, p)))
	} else {
		fmt.Fprintln(w, i18n.Tf("Status:  %s", status))
		fmt.Fprintln(w, i18n.Tf("Unlocks with: %s", strings.Join(info.Slots, ", ")))
		for _, k := range info.YubiKeys {
			fmt.Fprintln(w, i18n.Tf("  YubiKey %d, PIV slot %02x", k.Serial, k.Slot))
		}
	}
	if len(info.Generations) == 0 {
		fmt.Fprintln(w, i18n.T("Earlier copies: none yet"))
		return nil
	}
	fmt.Fprintln(w, i18n.T("Earlier copies (newest first):"))
	for _, g := range info.Generations {
		state := i18n.T("intact")
		if g.Err != nil {
			state = i18n.T("damaged")
		}
		fmt.Fprintf(w, "  %s  %s  %s\n", g.Path, g.Modified.Format("2006-01-02 15:04:05"), state)
	}
	if info.Err != nil {
		fmt.Fprintln(w, i18n.Tf("To go back to an earlier copy, copy it over the vault, e.g.: cp %s %s", info.Generations[0].Path, p))
	}
	return nil
}

func slotFlags(s *session, name string, args []string) (slot string, newPasswordFile, oldPasswordFile string, err error) {
	fs := s.flags(name)
	password := fs.Bool("password", false, i18n.T("a password slot"))
	keyring := fs.Bool("keyring", false, i18n.T("the OS keyring slot"))
	fs.StringVar(&oldPasswordFile, "old-password-file", "", i18n.T("the current password, when changing it without the keyring"))
	pos, err := parse(fs, args)
	if err != nil {
		return "", "", "", err
	}
	switch {
	case len(pos) > 0:
		return "", "", "", usagef(i18n.T("%s takes no arguments"), name)
	case *password == *keyring:
		return "", "", "", usagef(i18n.T("%s wants one of --password or --keyring"), name)
	case *password:
		return accounts.SlotPassword, s.passwordFile, oldPasswordFile, nil
	}
	return accounts.SlotKeyring, "", oldPasswordFile, nil
}

func vaultProtect(s *session, args []string) error {
	if hasFlag(args, "yubikey") {
		return vaultProtectYubiKey(s, args)
	}
	slot, newFile, oldFile, err := slotFlags(s, "vault protect", args)
	if err != nil {
		return err
	}
	p, err := s.vaultPath()
	if err != nil {
		return err
	}
	var locker accounts.Locker = accounts.KeyringSlot{}
	if slot == accounts.SlotPassword {
		pw, err := s.newPassword(newFile, i18n.T("the vault"))
		if err != nil {
			return err
		}
		locker = &accounts.PasswordSlot{Password: pw}
	}
	if _, err := accounts.Inspect(p); errors.Is(err, accounts.ErrNoVault) {
		v, err := accounts.Create(p, locker)
		if err != nil {
			return err
		}
		v.Close()
		fmt.Fprintln(s.env.Stdout, i18n.Tf("Created a new vault at %s, protected by %s.", p, describeSlot(slot)))
		return nil
	}
	// With --password-file naming the new password, the current one (if
	// the keyring cannot open the vault) comes from --old-password-file.
	if slot == accounts.SlotPassword || oldFile != "" {
		s.passwordFile = oldFile
	}
	v, err := s.open()
	if err != nil {
		return err
	}
	defer v.Close()
	had := false
	for _, t := range v.Slots() {
		had = had || t == slot
	}
	if had && slot == accounts.SlotKeyring {
		fmt.Fprintln(s.env.Stdout, i18n.T("The vault is already protected by the OS keyring."))
		return nil
	}
	if err := v.AddSlot(slot, locker); err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	if had {
		fmt.Fprintln(s.env.Stdout, i18n.T("Changed the vault's password."))
		s.afterRekey(v)
	} else {
		fmt.Fprintln(s.env.Stdout, i18n.Tf("The vault now also opens with %s.", describeSlot(slot)))
	}
	return nil
}

func vaultUnprotect(s *session, args []string) error {
	if hasFlag(args, "yubikey") {
		return vaultUnprotectYubiKey(s, args)
	}
	slot, _, _, err := slotFlags(s, "vault unprotect", args)
	if err != nil {
		return err
	}
	v, err := s.open()
	if err != nil {
		return err
	}
	defer v.Close()
	err = v.RemoveSlot(slot)
	if errors.Is(err, accounts.ErrLastSlot) {
		return i18n.Errorf("%s is the only way to open the vault, so it stays; add another first (e.g. 'twofold vault protect --password')", describeSlot(slot))
	}
	if err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("The vault no longer opens with %s; it opens with %s.", describeSlot(slot), strings.Join(v.Slots(), ", ")))
	s.afterRekey(v)
	return nil
}

// afterRekey tells what a new data key leaves behind: keyring items that
// could not be deleted, and the earlier copies, which still open the old
// way until 'twofold vault forget-copies' deletes them.
func (s *session) afterRekey(v *accounts.Vault) {
	if err := v.Forgotten(); err != nil {
		fmt.Fprintln(s.env.Stderr, "twofold: "+i18n.Tf("an old keyring item could not be deleted (%v); the vault no longer uses it.", err))
	}
	if n := v.KeptGenerations(); n > 0 {
		fmt.Fprintln(s.env.Stdout, i18n.Tf("The vault has a new key. The earlier copies kept of it (%d) still open the old way: 'twofold vault forget-copies' deletes them.", n))
	}
}

func vaultForgetCopies(s *session, args []string) error {
	fs := s.flags("vault forget-copies")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(i18n.T("vault forget-copies takes no arguments"))
	}
	v, err := s.open()
	if err != nil {
		return err
	}
	defer v.Close()
	n, err := v.ForgetGenerations()
	if err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Deleted the earlier copies of the vault (%d).", n))
	return nil
}

func describeSlot(slot string) string {
	if slot == accounts.SlotKeyring {
		return i18n.T("the OS keyring")
	}
	return i18n.T("a password")
}

// vaultStatus says which computers use the vault, what the last merge
// brought, and which sync tools' copies were merged or left.
func vaultStatus(s *session, args []string) error {
	if pos, err := parse(s.flags("vault status"), args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageErr(i18n.T("vault status takes no arguments"))
	}
	v, err := s.open()
	if err != nil {
		return err
	}
	defer v.Close()
	w := s.env.Stdout
	fmt.Fprintln(w, i18n.Tf("Vault:   %s", v.Path()))
	fmt.Fprintln(w, i18n.T("Computers:"))
	for _, c := range v.Computers() {
		var notes []string
		if c.This {
			notes = append(notes, i18n.T("this computer"))
		}
		if c.Keyring {
			notes = append(notes, i18n.T("opens it with its keyring"))
		}
		if !c.LastChange.IsZero() {
			notes = append(notes, i18n.Tf("last change %s", c.LastChange.Local().Format("2006-01-02 15:04:05")))
		}
		fmt.Fprintf(w, "  %s: %s\n", c.Name, strings.Join(notes, "; "))
	}
	if r := v.LastSync(); r.At.IsZero() {
		fmt.Fprintln(w, i18n.T("Last merge: none yet"))
	} else {
		fmt.Fprintln(w, i18n.Tf("Last merge: %s, %s", r.Summary(), r.At.Local().Format("2006-01-02 15:04:05")))
	}
	if kept := v.KeptConflicts(); len(kept) > 0 {
		fmt.Fprintln(w, i18n.Nf("Conflict copies merged: %d (kept in %s)", len(kept), len(kept), filepath.Dir(kept[0])))
	}
	if left := v.Conflicts(); len(left) > 0 {
		fmt.Fprintln(w, i18n.T("Conflict copies left as they are:"))
		for _, c := range left {
			fmt.Fprintf(w, "  %s: %s\n", c.Path, explain(c.Err, c.Path))
		}
	}
	return nil
}

// vaultMove moves the vault, say into a folder a sync tool shares, and
// uses it there from now on.
func vaultMove(s *session, args []string) error {
	pos, err := parse(s.flags("vault move"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(i18n.T("vault move wants the new place: a folder or a file"))
	}
	v, err := s.open()
	if err != nil {
		return err
	}
	defer v.Close()
	old := v.Path()
	if err := v.MoveTo(pos[0]); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Moved the vault from %s to %s; Twofold uses it there from now on.", old, v.Path()))
	s.noteOverride()
	return nil
}

// vaultUse makes this computer use the vault at a path, say the copy a
// sync tool brought from another computer.
func vaultUse(s *session, args []string) error {
	pos, err := parse(s.flags("vault use"), args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(i18n.T("vault use wants the path of a vault"))
	}
	info, err := accounts.Inspect(pos[0])
	if err != nil {
		return err
	}
	if info.Err != nil {
		return errors.New(explain(info.Err, pos[0]))
	}
	if err := accounts.UseVault(pos[0]); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Twofold uses the vault at %s from now on.", info.Path))
	s.noteOverride()
	return nil
}

// noteOverride says when --vault or TWOFOLD_VAULT still names a vault,
// which wins over the place just chosen.
func (s *session) noteOverride() {
	if s.vaultFlag != "" || os.Getenv("TWOFOLD_VAULT") != "" {
		fmt.Fprintln(s.env.Stderr, i18n.T("Note: --vault or TWOFOLD_VAULT names a vault, and wins over this choice while it does."))
	}
}
