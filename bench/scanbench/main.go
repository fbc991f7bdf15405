// Command scanbench measures Twofold's QR decoding against zbarimg (Debian
// zbar-tools) and ZXingReader (Debian zxing-cpp-tools) on the same
// generated corpus in the same run: decode rate per category and median /
// 95th percentile wall time per image. Every decoder runs as a process per
// image, so each pays one process start.
//
//	go run ./bench/scanbench [-n 10] [-seed 1] [-keep DIR]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"twofold/internal/qrcorpus"
	"twofold/scanner"
)

func main() {
	if len(os.Args) == 3 && os.Args[1] == "-decode" {
		decodeOne(os.Args[2])
		return
	}
	n := flag.Int("n", 10, "images per category")
	seed := flag.Uint64("seed", 1, "corpus seed")
	keep := flag.String("keep", "", "write the corpus here and keep it")
	only := flag.String("only", "", "run only this decoder (twofold, zbarimg, ZXingReader)")
	flag.Parse()

	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "scanbench")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	}
	check(os.MkdirAll(dir, 0o755))
	corpus := qrcorpus.Generate(*seed, *n)
	for _, im := range corpus {
		check(os.WriteFile(filepath.Join(dir, im.Name), im.Data, 0o644))
	}
	self, err := os.Executable()
	check(err)
	decoders := []decoder{
		{"twofold", []string{self, "-decode"}, parseLines},
		{"zbarimg", []string{"zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"}, parseLines},
		{"zbarimg-inv", []string{"zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Stest-inverted"}, parseLines},
		{"ZXingReader", []string{"ZXingReader", "-format", "QRCode"}, parseZXing},
	}
	if _, err := exec.Command("zbarimg", "--help").CombinedOutput(); err != nil {
		fmt.Fprintln(os.Stderr, "scanbench: zbarimg missing (apt-get install zbar-tools)")
	}
	type key struct{ dec, cat string }
	ok := map[key]int{}
	times := map[key][]time.Duration{}
	for _, d := range decoders {
		if *only != "" && !strings.HasPrefix(d.name, *only) {
			continue
		}
		for _, im := range corpus {
			start := time.Now()
			out, _ := exec.Command(d.argv[0], append(d.argv[1:], filepath.Join(dir, im.Name))...).Output()
			took := time.Since(start)
			got := d.parse(string(out))
			k := key{d.name, im.Category}
			times[k] = append(times[k], took)
			times[key{d.name, "all"}] = append(times[key{d.name, "all"}], took)
			if correct(got, im.Payloads) {
				ok[k]++
				ok[key{d.name, "all"}]++
			}
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "category\t")
	for _, d := range decoders {
		fmt.Fprintf(tw, "%s rate\tmedian\tp95\t", d.name)
	}
	fmt.Fprintln(tw)
	for _, cat := range append(slices.Clone(qrcorpus.Categories), "all") {
		total := *n
		if cat == "all" {
			total = *n * len(qrcorpus.Categories)
		}
		fmt.Fprintf(tw, "%s\t", cat)
		for _, d := range decoders {
			k := key{d.name, cat}
			if len(times[k]) == 0 {
				fmt.Fprintf(tw, "-\t-\t-\t")
				continue
			}
			med, p95 := quantiles(times[k])
			fmt.Fprintf(tw, "%d%%\t%s\t%s\t", 100*ok[k]/total, ms(med), ms(p95))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	fmt.Printf("\n%d images per category, seed %d. Rate: images whose codes were all read exactly (negatives: nothing read).\n", *n, *seed)
}

type decoder struct {
	name  string
	argv  []string
	parse func(string) []string
}

// decodeOne is Twofold's side: print each payload on a line.
func decodeOne(path string) {
	r := scanner.ScanFile(path)
	for _, t := range r.Texts {
		fmt.Println(t)
	}
}

func parseLines(out string) []string {
	var got []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			got = append(got, l)
		}
	}
	return got
}

// parseZXing reads ZXingReader's "Text:" lines.
func parseZXing(out string) []string {
	var got []string
	for _, l := range strings.Split(out, "\n") {
		if t, ok := strings.CutPrefix(strings.TrimSpace(l), "Text:"); ok {
			t = strings.TrimSpace(t)
			var s string
			if json.Unmarshal([]byte(t), &s) == nil {
				t = s
			}
			got = append(got, t)
		}
	}
	return got
}

// correct: every expected payload read, nothing else (a negative must
// read nothing).
func correct(got, want []string) bool {
	if len(want) == 0 {
		return len(got) == 0
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			return false
		}
	}
	return true
}

func quantiles(d []time.Duration) (time.Duration, time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2], s[min(len(s)-1, len(s)*95/100)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0fms", float64(d)/1e6) }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanbench:", err)
		os.Exit(1)
	}
}
