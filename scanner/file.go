package scanner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
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

	"twofold/internal/bounded"
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

// MaxDecodedBytes bounds the memory a decoded image may take (pixels ×
// bytes per pixel of the decoder's colour model): a 100-megapixel 16-bit
// PNG of a few hundred KB would otherwise take 800 MB.
const MaxDecodedBytes = 256 << 20

// ReadImage decodes an image, checking its size from the header first.
// A file (or anything that can seek) is decoded where it lies, so a large
// file is never held twice.
func ReadImage(r io.Reader) (img image.Image, err error) {
	img, _, err = readImage(r, nil)
	return img, err
}

// readImage is ReadImage; before decoding it calls reserve (if set) with
// the decoded size, which may wait until memory is free.
func readImage(r io.Reader, reserve func(int64)) (img image.Image, decoded int64, err error) {
	// The image decoders are not all hardened against hostile input.
	defer func() {
		if r := recover(); r != nil {
			img, err = nil, fmt.Errorf("the image is damaged")
		}
	}()
	rs, ok := r.(io.ReadSeeker)
	if !ok {
		data, err := bounded.ReadAll(r, MaxFileSize)
		if errors.Is(err, bounded.ErrTooLarge) {
			return nil, 0, fmt.Errorf("%w: the file is over %d MiB", ErrTooLarge, MaxFileSize>>20)
		}
		if err != nil {
			return nil, 0, err
		}
		rs = bytes.NewReader(data)
	}
	cfg, _, err := image.DecodeConfig(bufio.NewReader(rs))
	if errors.Is(err, image.ErrFormat) {
		return nil, 0, ErrNotImage
	}
	if err != nil {
		return nil, 0, fmt.Errorf("the image is damaged: %w", err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return nil, 0, fmt.Errorf("the image is empty (%dx%d)", cfg.Width, cfg.Height)
	}
	pixels := int64(cfg.Width) * int64(cfg.Height)
	if pixels > MaxPixels {
		return nil, 0, fmt.Errorf("%w: %dx%d pixels is over the limit of %d megapixels", ErrTooLarge, cfg.Width, cfg.Height, MaxPixels/1_000_000)
	}
	decoded = pixels * bytesPerPixel(cfg.ColorModel)
	if decoded > MaxDecodedBytes {
		return nil, 0, fmt.Errorf("%w: %dx%d pixels of %d bytes each would take %d MiB to decode (the limit is %d MiB)",
			ErrTooLarge, cfg.Width, cfg.Height, bytesPerPixel(cfg.ColorModel), decoded>>20, MaxDecodedBytes>>20)
	}
	if _, err := rs.Seek(0, io.SeekStart); err != nil {
		return nil, 0, err
	}
	if reserve != nil {
		reserve(decoded)
	}
	img, _, err = image.Decode(bufio.NewReader(rs))
	if err != nil {
		return nil, decoded, fmt.Errorf("the image is damaged or cut short: %w", err)
	}
	return img, decoded, nil
}

// bytesPerPixel is what the decoder will allocate per pixel for a
// colour model (the largest case where a model covers several layouts).
func bytesPerPixel(m color.Model) int64 {
	switch m {
	case color.GrayModel, color.AlphaModel:
		return 1
	case color.Gray16Model, color.Alpha16Model:
		return 2
	case color.YCbCrModel:
		return 3 // 4:4:4; subsampled JPEGs take less
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel, color.NYCbCrAModel:
		return 4
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8 // 16-bit colour, or a model we do not know
}

// memory is shared by the scans running at once: each holds its decoded
// image's size (plus its grey copy) until it is done, so a folder of
// large images is decoded a few at a time, not one per core.
var memory = newBudget(2 * MaxDecodedBytes)

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
	var held int64
	defer func() { memory.release(held) }()
	img, _, err := readImage(f, func(n int64) {
		held = min(n+n/3, memory.size) // the grey copy and the passes' variants
		memory.acquire(held)
	})
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

// budget is a counting semaphore over bytes.
type budget struct {
	mu   sync.Mutex
	cond *sync.Cond
	size int64
	used int64
}

func newBudget(size int64) *budget {
	b := &budget{size: size}
	b.cond = sync.NewCond(&b.mu)
	return b
}

// acquire waits until n bytes (at most size) are free and takes them.
func (b *budget) acquire(n int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for b.used > 0 && b.used+n > b.size {
		b.cond.Wait()
	}
	b.used += n
}

func (b *budget) release(n int64) {
	if n == 0 {
		return
	}
	b.mu.Lock()
	b.used -= n
	b.mu.Unlock()
	b.cond.Broadcast()
}
