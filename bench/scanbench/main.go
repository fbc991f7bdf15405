// Command scanbench measures Twofold's QR decoding against zbarimg (Debian
// zbar-tools) and ZXingReader (Debian zxing-cpp-tools) on the same
// generated corpus in the same run: decode rate per category, median /
// 95th percentile wall time per image, the union of what the two peers
// read and which of those images Twofold misses, and peak memory. Every
// decoder runs as a process per image, so each pays one process start,
// under GNU time (/usr/bin/time, Debian's time) for its peak memory.
//
// Twofold is the real binary (`twofold scan --json`), built here.
//
//	go run ./bench/scanbench [-n 10] [-seed 1] [-keep DIR]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"twofold/internal/hostile"
	"twofold/internal/qrcorpus"
)

func main() {
	n := flag.Int("n", 10, "images per category")
	seed := flag.Uint64("seed", 1, "corpus seed")
	keep := flag.String("keep", "", "write the corpus here and keep it")
	from := flag.String("dir", "", "measure on the images in this folder instead (ZXing's blackbox layout: each image beside a .txt of its text; its folder is its category)")
	only := flag.String("only", "", "run only this decoder (twofold, zbarimg, ZXingReader)")
	tags := flag.String("tags", "no_emoji,nogui", "build tags of Twofold's command line, as users get it (scripts/lib.sh GO_TAGS, nogui)")
	flag.Parse()

	dir := *keep
	if dir == "" {
		d, err := os.MkdirTemp("", "scanbench")
		check(err)
		defer os.RemoveAll(d)
		dir = d
	}
	check(os.MkdirAll(dir, 0o755))
	corpus, categories := qrcorpus.Generate(*seed, *n), qrcorpus.Categories
	if *from != "" {
		corpus, categories = readDir(*from)
	}
	count := map[string]int{}
	for _, im := range corpus {
		count[im.Category]++
		count["all"]++
		if im.Data != nil {
			check(os.WriteFile(filepath.Join(dir, im.Name), im.Data, 0o644))
		}
	}
	// Twofold as users run it: the real binary, start-up included, built
	// as scripts/package.sh builds it (no symbol table, which takes about
	// 1 ms off every start).
	twofold := filepath.Join(dir, "twofold")
	build := exec.Command("go", "build", "-tags", *tags, "-ldflags", "-s -w", "-o", twofold, ".")
	build.Stderr = os.Stderr
	check(build.Run())
	defer os.Remove(twofold)
	memFile := filepath.Join(dir, "peak-memory")
	decoders := []decoder{
		{"twofold", []string{twofold, "scan", "--json"}, parseJSON},
		{"zbarimg", []string{"zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable"}, parseLines},
		{"zbarimg-inv", []string{"zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", "-Stest-inverted"}, parseLines},
		{"ZXingReader", []string{"ZXingReader", "-format", "QRCode"}, parseZXing},
	}
	if _, err := exec.Command("zbarimg", "--help").CombinedOutput(); err != nil {
		fmt.Fprintln(os.Stderr, "scanbench: zbarimg missing (apt-get install zbar-tools)")
	}
	// Start-up: what each decoder takes on an image with nothing to find,
	// so the per-image figures below can be read as start-up plus work.
	blank := filepath.Join(dir, "blank-1x1.png")
	check(os.WriteFile(blank, hostile.PNG(1, 1, 8, 0), 0o644)) // one black pixel
	wanted := func(d decoder) bool { return *only == "" || strings.HasPrefix(d.name, *only) }
	startup := map[string]time.Duration{}
	for _, d := range decoders {
		if !wanted(d) {
			continue
		}
		d.run(blank, memFile) // into the page cache
		var runs []time.Duration
		for range 9 {
			_, took := d.run(blank, memFile)
			runs = append(runs, took)
		}
		startup[d.name], _ = quantiles(runs)
	}
	type key struct{ dec, cat string }
	ok := map[key]int{}
	times := map[key][]time.Duration{}
	read := map[string]map[string]bool{}  // image -> decoder -> read it all
	peak := map[string]map[string]int64{} // image -> decoder -> max RSS
	for _, d := range decoders {
		if !wanted(d) {
			continue
		}
		for _, im := range corpus {
			path := filepath.Join(dir, im.Name)
			if im.Data == nil {
				path = filepath.Join(*from, im.Name)
			}
			out, took := d.run(path, memFile)
			got := d.parse(out)
			k := key{d.name, im.Category}
			times[k] = append(times[k], took)
			times[key{d.name, "all"}] = append(times[key{d.name, "all"}], took)
			if read[im.Name] == nil {
				read[im.Name], peak[im.Name] = map[string]bool{}, map[string]int64{}
			}
			if b, err := os.ReadFile(memFile); err == nil {
				kb, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
				peak[im.Name][d.name] = kb << 10
			}
			if correct(got, im.Payloads) {
				ok[k]++
				ok[key{d.name, "all"}]++
				read[im.Name][d.name] = true
			}
		}
	}
	// The union: an image either peer reads (zbarimg in either mode).
	var missed []string
	for _, im := range corpus {
		r := read[im.Name]
		if r["zbarimg"] || r["zbarimg-inv"] || r["ZXingReader"] {
			for _, cat := range []string{im.Category, "all"} {
				ok[key{"union", cat}]++
			}
			if !r["twofold"] {
				ok[key{"missed", im.Category}]++
				ok[key{"missed", "all"}]++
				missed = append(missed, im.Name)
			}
		}
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "category\t")
	for _, d := range decoders {
		fmt.Fprintf(tw, "%s rate\tmedian\tp95\t", d.name)
	}
	fmt.Fprintln(tw, "union rate\tunion missed\t")
	for _, cat := range append(slices.Clone(categories), "all") {
		total := max(1, count[cat])
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
		fmt.Fprintf(tw, "%d%%\t%d\t\n", 100*ok[key{"union", cat}]/total, ok[key{"missed", cat}])
	}
	tw.Flush()
	if *from != "" {
		fmt.Printf("\n%d images from %s. ", len(corpus), *from)
	} else {
		fmt.Printf("\n%d images per category, seed %d. ", *n, *seed)
	}
	fmt.Println("Rate: images whose codes were all read exactly (negatives: nothing read).")
	fmt.Printf("Union: images zbarimg (either mode) or ZXingReader reads; missed: of those, what Twofold does not read.\n")
	up := func(name string) string { // "-" for a decoder -only left out, as in the table
		if d, ok := startup[name]; ok {
			return ms(d)
		}
		return "-"
	}
	fmt.Printf("Start-up (a 1×1 image, median of 9 runs): twofold %s, zbarimg %s, ZXingReader %s.\n",
		up("twofold"), up("zbarimg"), up("ZXingReader"))
	if len(missed) > 0 {
		fmt.Printf("Missed: %s\n", strings.Join(missed, " "))
	}
	// Peak memory: the largest of each decoder, and the largest excess
	// of Twofold over ZXingReader on one image.
	var worst string
	most := map[string]int64{}
	excess := int64(math.MinInt64)
	for name, p := range peak {
		for dec, v := range p {
			most[dec] = max(most[dec], v)
		}
		if _, both := p["ZXingReader"]; both {
			if d := p["twofold"] - p["ZXingReader"]; d > excess {
				excess, worst = d, name
			}
		}
	}
	fmt.Printf("Peak memory: twofold %d MB, zbarimg %d MB, ZXingReader %d MB; most over ZXingReader on one image: %+d MB (%s)\n",
		most["twofold"]>>20, most["zbarimg"]>>20, most["ZXingReader"]>>20, excess>>20, worst)
}

// readDir lists the images under root that have a .txt beside them
// holding their text.
func readDir(root string) ([]qrcorpus.Image, []string) {
	var out []qrcorpus.Image
	var cats []string
	check(filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || filepath.Ext(path) == ".txt" {
			return err
		}
		want, err := os.ReadFile(strings.TrimSuffix(path, filepath.Ext(path)) + ".txt")
		if err != nil {
			return nil // not a test image
		}
		rel, _ := filepath.Rel(root, path)
		cat := filepath.Dir(rel)
		if !slices.Contains(cats, cat) {
			cats = append(cats, cat)
		}
		out = append(out, qrcorpus.Image{Name: rel, Category: cat, Payloads: []string{strings.TrimSuffix(string(want), "\n")}})
		return nil
	}))
	return out, cats
}

type decoder struct {
	name  string
	argv  []string
	parse func(string) []string
}

// run decodes the image at path, returning the decoder's output and its
// wall time. Peak memory goes to memFile, from GNU time, which forks the
// decoder: a child started from this big process directly would count
// this process's pages in its own peak (Linux carries the high-water mark
// across exec). All decoders pay time's millisecond.
func (d decoder) run(path, memFile string) (string, time.Duration) {
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", memFile}, append(d.argv, path)...)...)
	start := time.Now()
	out, _ := cmd.Output()
	return string(out), time.Since(start)
}

// parseJSON reads `twofold scan --json`: one line per file.
func parseJSON(out string) []string {
	var line struct{ Texts []string }
	json.Unmarshal([]byte(out), &line)
	return line.Texts
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
