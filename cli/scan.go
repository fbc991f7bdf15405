package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"slices"

	"golang.org/x/term"

	"twofold/accounts"
	"twofold/internal/i18n"
	"twofold/scanner"
)

// errIncompleteTransfer: images held some parts of a Google Authenticator
// transfer, not all (what was found is still shown or added).
var errIncompleteTransfer = i18n.Error("a Google Authenticator transfer is incomplete: scan the parts it is missing too")

// scanLine is one line of `scan --json`.
type scanLine struct {
	File  string   `json:"file"`
	Texts []string `json:"texts"`
	Error string   `json:"error,omitempty"`
}

// runScan prints what the QR codes in images hold; it changes nothing.
func runScan(s *session, args []string) error {
	fs := s.flags("scan")
	asJSON := fs.Bool("json", false, i18n.T("print one JSON line per file"))
	screen := fs.Bool("screen", false, i18n.T("scan every display"))
	clip := fs.Bool("clipboard", false, i18n.T("scan the image on the clipboard"))
	files, err := parse(fs, args)
	if err != nil {
		return err
	}
	results, err := s.scanSources(files, *screen, *clip)
	if err != nil {
		return err
	}
	failed := 0
	enc := json.NewEncoder(s.jsonOut)
	var transfers scanner.Transfers
	for _, r := range results {
		for _, t := range r.Texts {
			if f := scanner.Interpret(t); f.Batch != nil {
				transfers.Add(f.Batch)
			}
		}
		line := scanLine{File: r.File, Texts: r.Texts}
		if line.Texts == nil {
			line.Texts = []string{}
		}
		if r.Err != nil {
			failed++
			line.Error = explain(r.Err, "")
		}
		if *asJSON {
			enc.Encode(line)
			continue
		}
		if r.Err != nil {
			fmt.Fprintf(s.env.Stderr, "twofold: %s\n", line.Error)
			continue
		}
		for _, t := range r.Texts {
			fmt.Fprintf(s.env.Stdout, "%s: %s\n", r.File, t)
		}
	}
	if !*asJSON {
		for _, st := range transfers.Status() {
			fmt.Fprintln(s.env.Stderr, st+".")
		}
	}
	if !transfers.Complete() {
		return errIncompleteTransfer
	}
	if s.stopped != nil {
		return errors.New(i18n.Nf("stopped after %d of %d images", s.stopped.total, s.stopped.done, s.stopped.total))
	}
	if failed > 0 {
		return errQuiet
	}
	return nil
}

// scanSources scans files and folders, and the screen or clipboard if
// asked; those appear as the files "screen" and "clipboard".
func (s *session) scanSources(paths []string, screen, clip bool) ([]scanner.FileResult, error) {
	if len(paths) == 0 && !screen && !clip {
		return nil, usageErr(i18n.T("give image files or folders, --screen or --clipboard"))
	}
	var results []scanner.FileResult
	if len(paths) > 0 {
		r, err := s.scanPaths(paths)
		if err != nil {
			return nil, err
		}
		results = r
	}
	if screen {
		texts, err := scanner.ScanScreen()
		results = append(results, scanner.FileResult{File: "screen", Texts: texts, Err: err})
	}
	if clip {
		texts, err := scanner.ScanClipboard()
		results = append(results, scanner.FileResult{File: "clipboard", Texts: texts, Err: err})
	}
	return results, nil
}

// interrupted is the context a scan stops on: Ctrl+C.
var interrupted = func() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), os.Interrupt)
}

// scanStop is a scan that Ctrl+C ended after done of total images.
type scanStop struct{ done, total int }

// scanPaths scans files and folders, showing progress on a terminal. An
// interrupted scan returns the images scanned so far and sets s.stopped.
func (s *session) scanPaths(paths []string) ([]scanner.FileResult, error) {
	ctx, stop := interrupted()
	defer stop()
	var progress scanner.Progress
	if f, ok := s.rawStderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		progress = func(done, total int, _ string) {
			fmt.Fprint(f, "\r"+i18n.Tf("Scanning images: %d of %d", done, total))
			if done == total {
				fmt.Fprintln(f)
			}
		}
	}
	results, err := scanner.ScanPaths(ctx, paths, progress)
	if err != nil || ctx.Err() == nil {
		return results, err
	}
	total := len(results)
	results = slices.DeleteFunc(results, func(r scanner.FileResult) bool { return errors.Is(r.Err, context.Canceled) })
	s.stopped = &scanStop{done: len(results), total: total}
	return results, nil
}

// imageAccounts scans images for `add --image`: the accounts found, and
// one problem sentence per file or code that gave none.
func (s *session) imageAccounts(paths []string, screen, clip bool) ([]*accounts.Account, []string, error) {
	results, err := s.scanSources(paths, screen, clip)
	if err != nil {
		return nil, nil, err
	}
	var found []*accounts.Account
	var problems []string
	var transfers scanner.Transfers
	for _, r := range results {
		if r.Err != nil {
			problems = append(problems, explain(r.Err, ""))
			continue
		}
		for _, t := range r.Texts {
			f := scanner.Interpret(t)
			if f.Batch != nil {
				transfers.Add(f.Batch)
			}
			if f.Err != nil {
				problems = append(problems, fmt.Sprintf("%s: %s", r.File, explain(f.Err, "")))
			}
			found = append(found, f.Accounts...)
		}
	}
	for _, st := range transfers.Status() {
		fmt.Fprintln(s.env.Stdout, st+".")
	}
	if !transfers.Complete() {
		problems = append(problems, errIncompleteTransfer.Error())
	}
	return found, problems, nil
}
