package cli

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/internal/i18n"
)

// The vault's hardware lock: a yubikey slot per key (docs/cli.md).

// yubikeyUnlocker opens a yubikey slot with its key, if that key is
// plugged in: the PIN is asked (--pin-file, or the terminal) only then.
func (s *session) yubikeyUnlocker() accounts.Unlocker {
	return hardware.Unlocker(s.pin, func(string) { fmt.Fprintln(s.env.Stderr, i18n.T("Touch your YubiKey…")) })
}

// pin reads the PIV PIN of the key called name: from --pin-file ("-":
// standard input) or the terminal.
func (s *session) pin(name string) ([]byte, error) {
	pin, err := s.askPassword(s.pinFile, i18n.Tf("PIN of %s: ", name), name)
	if errors.Is(err, errNoPassword) {
		return nil, i18n.Errorf("%s needs its PIN: give it with --pin-file FILE ('-' for standard input) or run in a terminal", name)
	}
	return pin, err
}

// vaultProtectYubiKey: vault protect --yubikey [--slot 82] [--touch]
// [--reader KEY] makes (or finds) this vault's key on the YubiKey and
// adds its slot.
func vaultProtectYubiKey(s *session, args []string) error {
	fs := s.flags("vault protect")
	fs.Bool("yubikey", true, i18n.T("a YubiKey's PIV slot"))
	slotHex := fs.String("slot", "", i18n.T("the retired PIV slot to use, 82 to 95 (default: the first free one)"))
	touch := fs.Bool("touch", false, i18n.T("the key must be touched each time it opens the vault"))
	adopt := fs.Bool("adopt", false, i18n.T("use the key another tool made in --slot (it must have no certificate)"))
	reader := fs.String("reader", os.Getenv("TWOFOLD_YUBIKEY"), i18n.T("the key to use: its serial, or (part of) its reader's name (default: $TWOFOLD_YUBIKEY)"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErr(i18n.T("vault protect --yubikey takes no arguments"))
	}
	var slot byte
	if *slotHex != "" {
		n, err := strconv.ParseUint(*slotHex, 16, 8)
		if err != nil || n < 0x82 || n > 0x95 {
			return usagef(i18n.T("--slot wants a retired PIV slot, 82 to 95, not %q"), *slotHex)
		}
		slot = byte(n)
	}
	if *adopt && slot == 0 {
		return usageErr(i18n.T("--adopt wants --slot naming the key to adopt"))
	}
	v, err := s.open()
	if err != nil {
		return err
	}
	defer v.Close()
	pin, err := s.pin(keyName(*reader))
	if err != nil {
		return err
	}
	defer clear(pin)
	name, k, warning, err := hardware.Protect(v, *reader, string(pin), slot, *touch, *adopt)
	if err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("The vault now also opens with %s (PIV slot %02x) and its PIN.", name, k.Slot))
	fmt.Fprintln(s.env.Stdout, i18n.T("If this key is lost, a second key (run this again with the spare plugged in) or a password slot is the way back."))
	if warning != "" {
		fmt.Fprintln(s.env.Stderr, i18n.Tf("Warning: %s", warning))
	}
	return nil
}

// vaultUnprotectYubiKey: vault unprotect --yubikey SERIAL.
func vaultUnprotectYubiKey(s *session, args []string) error {
	fs := s.flags("vault unprotect")
	fs.Bool("yubikey", true, i18n.T("a YubiKey's PIV slot"))
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErr(i18n.T("vault unprotect --yubikey wants the key's serial (see 'twofold vault info')"))
	}
	serial, err := strconv.ParseUint(pos[0], 10, 32)
	if err != nil {
		return usagef(i18n.T("a YubiKey's serial is a number, not %q"), pos[0])
	}
	v, err := s.open()
	if err != nil {
		return err
	}
	defer v.Close()
	err = v.RemoveYubiKey(uint32(serial))
	if errors.Is(err, accounts.ErrLastSlot) {
		return i18n.Errorf("YubiKey %d is the only way to open the vault, so it stays; add another first (e.g. 'twofold vault protect --password')", serial)
	}
	if err != nil {
		return err
	}
	if err := v.Save(); err != nil {
		return err
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("The vault no longer opens with YubiKey %d. Its key stays on the YubiKey; 'ykman piv keys delete' removes it.", serial))
	return nil
}

// keyName is how the PIN prompt names the key --reader chose.
func keyName(which string) string {
	if which == "" {
		return i18n.T("the YubiKey")
	}
	if _, err := strconv.ParseUint(which, 10, 32); err == nil {
		return "YubiKey " + which
	}
	return which
}

// hasFlag reports whether args hold --name (or -name) before any "--".
func hasFlag(args []string, name string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-" + name, "--" + name:
			return true
		}
	}
	return false
}
