package backup

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"twofold/scanner"
)

// importImage reads the QR codes in one image: otpauth URIs or a Google
// Authenticator transfer code.
func importImage(data []byte) (*Result, error) {
	img, err := scanner.ReadImage(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	texts, err := scanner.DecodeImage(img, scanner.DefaultBudget)
	if err != nil {
		return nil, err
	}
	r := &Result{}
	var t scanner.Transfers
	r.payloads(texts, "", &t)
	r.missingParts(&t)
	return r, nil
}

// ImportImages reads every image in paths (files and folders): what a
// user who kept screenshots of QR codes, or of Google Authenticator's
// transfer codes, brings. It says which transfer parts are missing.
func ImportImages(ctx context.Context, paths []string, progress scanner.Progress) (*Result, error) {
	results, err := scanner.ScanPaths(ctx, paths, progress)
	if err != nil {
		return nil, err
	}
	r := &Result{Format: Images}
	var transfers scanner.Transfers
	for _, res := range results {
		if res.Err != nil {
			r.Problems = append(r.Problems, res.Err.Error())
			continue
		}
		r.payloads(res.Texts, res.File+": ", &transfers)
	}
	r.missingParts(&transfers)
	if len(r.Accounts) == 0 && len(r.Problems) == 0 {
		return nil, ErrNoAccounts
	}
	return r, nil
}

// payloads adds what each QR payload holds; prefix names the file.
func (r *Result) payloads(texts []string, prefix string, t *scanner.Transfers) {
	for _, p := range texts {
		f := scanner.Interpret(p)
		if f.Batch != nil {
			t.Add(f.Batch)
		}
		for _, a := range f.Accounts {
			r.add(len(r.Accounts)+len(r.Problems)+1, a, nil)
		}
		if f.Err != nil {
			r.Problems = append(r.Problems, fmt.Sprintf("%s%v", prefix, f.Err))
		}
	}
}

// missingParts notes transfers of which some codes were not scanned.
func (r *Result) missingParts(t *scanner.Transfers) {
	for _, s := range t.Status() {
		if strings.Contains(s, "missing") {
			r.Problems = append(r.Problems, s)
		}
	}
}
