package scanner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	_ "image/gif"  // register GIF
	_ "image/jpeg" // register JPEG
	_ "image/png"  // register PNG

	_ "golang.org/x/image/bmp"  // register BMP
	_ "golang.org/x/image/tiff" // register TIFF
	_ "golang.org/x/image/webp" // register WebP
)

// MaxPixels bounds the images we decode: 100 megapixels is far beyond any
// screenshot or photo, and refusing larger ones from the header keeps a
// decompression bomb from allocating gigabytes.
const MaxPixels = 100_000_000

// MaxFileSize bounds the bytes read from one file.
const MaxFileSize = 256 << 20

// ErrTooLarge: the image's header announces more than MaxPixels.
var ErrTooLarge = errors.New("image too large")

// ErrNotImage: the data is not an image in a format we read.
var ErrNotImage = errors.New("not an image Twofold can read (PNG, JPEG, GIF, BMP, WebP or TIFF)")

// Extensions are the file name endings ScanFolder looks at.
var Extensions = []string{".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp", ".tif", ".tiff"}

// ReadImage decodes an image, checking its size from the header first.
func ReadImage(r io.Reader) (img image.Image, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > MaxFileSize {
		return nil, fmt.Errorf("%w: the file is over %d MiB", ErrTooLarge, MaxFileSize>>20)
	}
	return decodeBytes(data)
}

func decodeBytes(data []byte) (img image.Image, err error) {
	// The image decoders are not all hardened against hostile input.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("the image is damaged")
		}
	}()
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if errors.Is(err, image.ErrFormat) {
		return nil, ErrNotImage
	}
	if err != nil {
		return nil, fmt.Errorf("the image is damaged: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, fmt.Errorf("the image is empty (%dx%d)", cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, fmt.Errorf("%w: %dx%d pixels is over the limit of %d megapixels", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	img, _, err = image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the image is damaged or cut short: %w", err)
	}
	return img, nil
}

// FileResult is what one image file held.
type FileResult struct {
	File  string
	Texts []string
	Err   error
}

// ScanFile reads one image file and decodes its QR codes. An image with
// none gets ErrNoQR, worded with the file name.
func ScanFile(path string) FileResult {
	res := FileResult{File: path}
	f, err := os.Open(path)
	if err != nil {
		res.Err = err
		return res
	}
	defer f.Close()
	img, err := ReadImage(bufio.NewReader(f))
	if err != nil {
		res.Err = fmt.Errorf("%s: %w", path, err)
		return res
	}
	res.Texts, err = DecodeImage(img, DefaultBudget)
	if err != nil {
		res.Err = fmt.Errorf("%w in %s", err, path)
	}
	return res
}

// ImageFiles lists the image files below dir (recursively), sorted.
func ImageFiles(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && slices.Contains(Extensions, strings.ToLower(filepath.Ext(p))) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list images in %s: %w", dir, err)
	}
	slices.Sort(files)
	return files, nil
}

// Progress is told after each file: how many are done of how many.
type Progress func(done, total int, file string)

// ScanFiles scans files in parallel (one per CPU) and returns the results
// in the order given. It stops early when ctx is cancelled; files not
// scanned then have ctx's error.
func ScanFiles(ctx context.Context, files []string, progress Progress) []FileResult {
	results := make([]FileResult, len(files))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for w := 0; w < runtime.NumCPU(); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				if err := ctx.Err(); err != nil {
					results[i] = FileResult{File: files[i], Err: err}
					continue
				}
				results[i] = ScanFile(files[i])
				mu.Lock()
				done++
				if progress != nil {
					progress(done, len(files), files[i])
				}
				mu.Unlock()
			}
		}()
	}
	for i := range files {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	return results
}

// ScanPaths scans files and folders (recursively): what `twofold add
// --image` and the GUI's folder scan use.
func ScanPaths(ctx context.Context, paths []string, progress Progress) ([]FileResult, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if st.IsDir() {
			more, err := ImageFiles(p)
			if err != nil {
				return nil, err
			}
			if len(more) == 0 {
				return nil, fmt.Errorf("no image files in %s", p)
			}
			files = append(files, more...)
		} else {
			files = append(files, p)
		}
	}
	return ScanFiles(ctx, files, progress), nil
}
