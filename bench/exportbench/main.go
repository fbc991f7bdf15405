// Command exportbench measures one export of n accounts in a process of
// its own: wall time and peak resident memory (VmHWM), so formats can be
// compared in the same run. scripts/bench-export.sh runs it for the PDF
// sheet against the otpauth list as the baseline.
//
//	go run ./bench/exportbench -format pdf -n 5000
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"twofold/accounts"
	"twofold/backup"
)

func main() {
	format := flag.String("format", "pdf", "the export format")
	n := flag.Int("n", 5000, "accounts")
	flag.Parse()
	accts := make([]*accounts.Account, *n)
	for i := range accts {
		accts[i] = &accounts.Account{Issuer: fmt.Sprintf("Issuer %d", i), Name: fmt.Sprintf("user%d@example.com", i),
			Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte(fmt.Sprintf("secret-%015d", i))}
	}
	dir, err := os.MkdirTemp("", "exportbench")
	if err != nil {
		fail(err)
	}
	defer os.RemoveAll(dir)
	start := time.Now()
	w, err := backup.Export(backup.Format(*format), accts, filepath.Join(dir, "out"), backup.Options{})
	if err != nil {
		fail(err)
	}
	took := time.Since(start)
	var size int64
	for _, f := range w.Files {
		if st, err := os.Stat(f); err == nil {
			size += st.Size()
		}
	}
	fmt.Printf("%s\t%d accounts\t%.2f s\t%d MiB peak RSS\t%d KiB written\n", *format, *n, took.Seconds(), peakRSS()>>10, size>>10)
}

// peakRSS is VmHWM in KiB.
func peakRSS() int {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return 0
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "exportbench:", err)
	os.Exit(1)
}
