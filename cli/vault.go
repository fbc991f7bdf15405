package cli

import (
	"errors"
	"fmt"
	"strings"

	"twofold/accounts"
)

func runVault(s *session, args []string) error {
	if len(args) == 0 {
		return usagef("vault wants info, protect, unprotect or forget-copies")
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
	}
	return usagef("unknown vault command %q", args[0])
}

func vaultInfo(s *session, args []string) error {
	if pos, err := parse(s.flags("vault info"), args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("vault info takes no arguments")
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
	status := fmt.Sprintf("intact (format %d)", info.Version)
	if info.Err == nil {
		unlockers := []accounts.Unlocker{accounts.KeyringSlot{}}
		if s.passwordFile != "" {
			unlockers = s.unlockers()
		}
		v, err := accounts.Read(p, unlockers...)
		switch {
		case err == nil:
			status = fmt.Sprintf("intact (format %d, %d accounts)", info.Version, len(v.Accounts))
			v.Close()
		case errors.Is(err, accounts.ErrDamaged):
			info.Err = err
		default:
			status = fmt.Sprintf("header intact (format %d); contents not checked: %s", info.Version, explain(err, p))
		}
	}
	w := s.env.Stdout
	fmt.Fprintf(w, "Vault:   %s\n", info.Path)
	if info.Err != nil {
		fmt.Fprintf(w, "Status:  cannot be opened: %s\n", explain(info.Err, p))
	} else {
		fmt.Fprintf(w, "Status:  %s\n", status)
		fmt.Fprintf(w, "Unlocks with: %s\n", strings.Join(info.Slots, ", "))
	}
	if len(info.Generations) == 0 {
		fmt.Fprintln(w, "Earlier copies: none yet")
		return nil
	}
	fmt.Fprintln(w, "Earlier copies (newest first):")
	for _, g := range info.Generations {
		state := "intact"
		if g.Err != nil {
			state = "damaged"
		}
		fmt.Fprintf(w, "  %s  %s  %s\n", g.Path, g.Modified.Format("2006-01-02 15:04:05"), state)
	}
	if info.Err != nil {
		fmt.Fprintf(w, "To go back to an earlier copy, copy it over the vault, e.g.: cp %s %s\n", info.Generations[0].Path, p)
	}
	return nil
}

func slotFlags(s *session, name string, args []string) (slot string, newPasswordFile, oldPasswordFile string, err error) {
	fs := s.flags(name)
	password := fs.Bool("password", false, "a password slot")
	keyring := fs.Bool("keyring", false, "the OS keyring slot")
	fs.StringVar(&oldPasswordFile, "old-password-file", "", "the current password, when changing it without the keyring")
	pos, err := parse(fs, args)
	if err != nil {
		return "", "", "", err
	}
	switch {
	case len(pos) > 0:
		return "", "", "", usagef("%s takes no arguments", name)
	case *password == *keyring:
		return "", "", "", usagef("%s wants one of --password or --keyring", name)
	case *password:
		return accounts.SlotPassword, s.passwordFile, oldPasswordFile, nil
	}
	return accounts.SlotKeyring, "", oldPasswordFile, nil
}

func vaultProtect(s *session, args []string) error {
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
		pw, err := s.newPassword(newFile, "the vault")
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
		fmt.Fprintf(s.env.Stdout, "Created a new vault at %s, protected by %s.\n", p, describeSlot(slot))
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
		fmt.Fprintln(s.env.Stdout, "The vault is already protected by the OS keyring.")
		return nil
	}
	if err := v.AddSlot(slot, locker); err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	if had {
		fmt.Fprintln(s.env.Stdout, "Changed the vault's password.")
		s.afterRekey(v)
	} else {
		fmt.Fprintf(s.env.Stdout, "The vault now also opens with %s.\n", describeSlot(slot))
	}
	return nil
}

func vaultUnprotect(s *session, args []string) error {
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
		return fmt.Errorf("%s is the only way to open the vault, so it stays; add another first (e.g. 'twofold vault protect --password')", describeSlot(slot))
	}
	if err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintf(s.env.Stdout, "The vault no longer opens with %s; it opens with %s.\n", describeSlot(slot), strings.Join(v.Slots(), ", "))
	s.afterRekey(v)
	return nil
}

// afterRekey tells what a new data key leaves behind: keyring items that
// could not be deleted, and the earlier copies, which still open the old
// way until 'twofold vault forget-copies' deletes them.
func (s *session) afterRekey(v *accounts.Vault) {
	if err := v.Forgotten(); err != nil {
		fmt.Fprintf(s.env.Stderr, "twofold: an old keyring item could not be deleted (%v); the vault no longer uses it.\n", err)
	}
	if n := v.KeptGenerations(); n > 0 {
		fmt.Fprintf(s.env.Stdout, "The vault has a new key. The earlier copies kept beside it (%d) still open the old way: 'twofold vault forget-copies' deletes them.\n", n)
	}
}

func vaultForgetCopies(s *session, args []string) error {
	fs := s.flags("vault forget-copies")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("vault forget-copies takes no arguments")
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
	fmt.Fprintf(s.env.Stdout, "Deleted the earlier copies of the vault (%d).\n", n)
	return nil
}

func describeSlot(slot string) string {
	if slot == accounts.SlotKeyring {
		return "the OS keyring"
	}
	return "a password"
}
