package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"twofold/accounts"
	"twofold/backup"
	"twofold/internal/bounded"
	"twofold/internal/i18n"
)

// In export and import, --password-file is the backup's password; the
// vault's own password (only needed when the vault has no keyring slot)
// comes from --vault-password-file or the terminal.
func (s *session) backupFlags(name string) *backupFlagSet {
	f := &backupFlagSet{fs: s.flags(name)}
	f.fs.StringVar(&f.vaultPasswordFile, "vault-password-file", "", i18n.T("the vault's password, when it has no keyring slot"))
	return f
}

type backupFlagSet struct {
	fs                *flag.FlagSet
	vaultPasswordFile string
}

// takeBackupPassword moves --password-file to the backup's side.
func (s *session) takeBackupPassword(f *backupFlagSet) string {
	file := s.passwordFile
	s.passwordFile = f.vaultPasswordFile
	return file
}

func runExport(s *session, args []string) error {
	f := s.backupFlags("export")
	format := f.fs.String("format", "", i18n.T("twofold, otpauth, aegis, qr, ga-transfer or pdf"))
	out := f.fs.String("out", "", i18n.T("the file to write (a folder for qr and ga-transfer)"))
	encrypt := f.fs.Bool("encrypt", false, i18n.T("aegis: encrypt with a password (asked for, or --password-file)"))
	perCode := f.fs.Int("per-code", backup.DefaultPerCode, i18n.T("ga-transfer: at most this many accounts per QR code (fewer when names are long)"))
	withKeys := f.fs.Bool("yubikey", false, i18n.T("twofold: the vault's YubiKeys open the backup too, besides its password"))
	pos, err := parse(f.fs, args)
	if err != nil {
		return err
	}
	pwFile := s.takeBackupPassword(f)
	switch {
	case len(pos) > 0:
		return usageErr(i18n.T("export takes no arguments, only flags"))
	case *format == "" || *out == "":
		return usagef(i18n.T("export wants --format (%s) and --out PATH"), formats(backup.ExportFormats))
	}
	fm := backup.Format(strings.ToLower(*format))
	if *perCode < 1 || *perCode > accounts.MaxPerCode {
		return usagef(i18n.T("--per-code wants 1 to %d accounts a code, not %d"), accounts.MaxPerCode, *perCode)
	}
	opt := backup.Options{PerCode: *perCode}
	if fm == backup.Twofold || (fm == backup.Aegis && (*encrypt || pwFile != "")) {
		if opt.Password, err = s.newPassword(pwFile, i18n.T("the backup")); err != nil {
			return err
		}
		defer clear(opt.Password)
	}
	v, err := s.read()
	if err != nil {
		return err
	}
	if *withKeys {
		if fm != backup.Twofold {
			return usageErr(i18n.T("--yubikey goes with --format twofold"))
		}
		if opt.YubiKeys = v.YubiKeySlots(); len(opt.YubiKeys) == 0 {
			return i18n.Error("the vault has no YubiKey slot to give the backup: add one with 'twofold vault protect --yubikey'")
		}
	}
	w, err := backup.Export(fm, v.Accounts, *out, opt)
	if err != nil {
		return err
	}
	files := w.Files
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Exported %s to %s, and read them back to check.", i18n.Nf("%d accounts", len(v.Accounts), len(v.Accounts)), describeFiles(files, *out)))
	for _, n := range w.Notes {
		fmt.Fprintf(s.env.Stdout, "  ! %s.\n", n)
	}
	switch {
	case fm == backup.GATransfer:
		fmt.Fprintln(s.env.Stdout, i18n.Tf("On the phone, open Google Authenticator > Transfer accounts > Import accounts and scan the %d codes in order.", len(files)))
	case len(opt.Password) == 0:
		fmt.Fprintln(s.env.Stderr, i18n.Tf("Warning: %s is not encrypted: anyone who reads it can make your codes. Keep it somewhere safe, or delete it once used.", *out))
	}
	return nil
}

func describeFiles(files []string, out string) string {
	if len(files) == 1 {
		return files[0]
	}
	return i18n.Nf("%d files in %s", len(files), len(files), out)
}

func formats(fs []backup.Format) string {
	var s []string
	for _, f := range fs {
		s = append(s, string(f))
	}
	return strings.Join(s, ", ")
}

func runImport(s *session, args []string) error {
	f := s.backupFlags("import")
	format := f.fs.String("format", "", i18n.T("the file's format (default: told from its content)"))
	dryRun := f.fs.Bool("dry-run", false, i18n.T("show what would be imported; change nothing"))
	pos, err := parse(f.fs, args)
	if err != nil {
		return err
	}
	pwFile := s.takeBackupPassword(f)
	if len(pos) == 0 {
		return usageErr(i18n.T("import wants the file to import (or image files and folders)"))
	}
	r, err := s.readExport(pos, backup.Format(strings.ToLower(*format)), pwFile)
	if err != nil {
		return err
	}
	v, err := s.existing(*dryRun)
	if err != nil {
		return err
	}
	var existing []*accounts.Account
	if v != nil {
		defer v.Close()
		existing = v.Accounts
	}
	items := backup.Preview(r.Accounts, existing)
	fresh := backup.New(items)
	fmt.Fprintln(s.env.Stdout, i18n.Tf("%s: %s found (%s).", strings.Join(pos, ", "), i18n.Nf("%d accounts", len(items), len(items)), r.Format))
	for _, it := range items {
		mark, note := "+", ""
		if it.Duplicate {
			mark = "="
		}
		if n := it.Note(); n != "" {
			note = " (" + n + ")"
		}
		fmt.Fprintf(s.env.Stdout, "  %s %s%s\n", mark, it.Account.Label(), note)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(s.env.Stdout, "  ! %s\n", p)
	}
	if *dryRun {
		fmt.Fprintln(s.env.Stdout, i18n.Tf("Nothing was changed (--dry-run): %d would be imported.", len(fresh)))
		return nil
	}
	if len(fresh) > 0 {
		if v == nil {
			if v, err = s.openOrCreate(); err != nil {
				return err
			}
			defer v.Close()
		}
		for _, a := range fresh {
			if err := v.Add(a); err != nil {
				return i18n.Errorf("%s: %w; nothing was imported", a.Label(), err)
			}
		}
		if err := v.Save(); err != nil {
			return err
		}
	}
	fmt.Fprintln(s.env.Stdout, i18n.Tf("Imported %s; %d already in the vault.", i18n.Nf("%d accounts", len(fresh), len(fresh)), len(items)-len(fresh)))
	if len(fresh) == 0 && len(r.Problems) > 0 {
		return i18n.Error("nothing could be imported")
	}
	return nil
}

// readExport reads the files to import, asking for a password only if
// the export turns out to be encrypted.
// Several files are read each by its own format (images and folders of
// them together, as one scan); one that cannot be read stops the import
// before anything is written.
func (s *session) readExport(paths []string, format backup.Format, pwFile string) (*backup.Result, error) {
	if format == backup.Images {
		return backup.ImportImages(context.Background(), paths, nil)
	}
	var images []string
	merged := &backup.Result{}
	var formats []string
	for _, p := range paths {
		if isDir(p) || (format == "" && looksLikeImage(p)) {
			images = append(images, p)
			continue
		}
		r, err := s.readOne(p, format, pwFile)
		if err != nil {
			if len(paths) > 1 {
				return nil, i18n.Errorf("%w; nothing was imported", err)
			}
			return nil, err
		}
		merged.Accounts = append(merged.Accounts, r.Accounts...)
		for _, pr := range r.Problems {
			merged.Problems = append(merged.Problems, prefixed(len(paths), p, pr))
		}
		formats = append(formats, string(r.Format))
	}
	if len(images) > 0 {
		r, err := backup.ImportImages(context.Background(), images, nil)
		if err != nil {
			return nil, err
		}
		merged.Accounts = append(merged.Accounts, r.Accounts...)
		merged.Problems = append(merged.Problems, r.Problems...)
		formats = append(formats, string(backup.Images))
	}
	merged.Format = backup.Format(strings.Join(slices.Compact(formats), ", "))
	return merged, nil
}

// prefixed names the file a problem is in, when there are several.
func prefixed(files int, path, problem string) string {
	if files == 1 {
		return problem
	}
	return path + ": " + problem
}

// looksLikeImage: a regular file that opens with an image's magic
// number. Anything else (a FIFO would block here) is read, bounded, as
// an export.
func looksLikeImage(path string) bool {
	if st, err := os.Stat(path); err != nil || !st.Mode().IsRegular() {
		return false
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := io.ReadFull(f, head)
	return backup.Detect(head[:n]) == backup.Images
}

// readOne reads one export file, asking for its password only if it
// turns out to be encrypted.
func (s *session) readOne(path string, format backup.Format, pwFile string) (*backup.Result, error) {
	data, err := bounded.ReadFile(path, backup.MaxImportSize)
	if err != nil {
		return nil, err
	}
	defer clear(data)
	r, err := backup.Import(data, format, nil, s.yubikeyUnlocker())
	if errors.Is(err, backup.ErrPasswordNeeded) {
		pw, perr := s.password(pwFile, i18n.Tf("the backup %s", path))
		if perr != nil {
			return nil, perr
		}
		defer clear(pw)
		r, err = backup.Import(data, format, pw)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return r, nil
}

// existing opens the vault to import into: for a dry run only to read
// it (and none is fine); otherwise for writing, created if need be.
// existing is the vault if there is one, nil if none: opened for
// writing, or only read for a dry run. An import creates a vault only
// once it has something to put in it.
func (s *session) existing(dryRun bool) (*accounts.Vault, error) {
	open := s.open
	if dryRun {
		open = s.read
	}
	v, err := open()
	if errors.Is(err, accounts.ErrNoVault) {
		return nil, nil
	}
	return v, err
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}
