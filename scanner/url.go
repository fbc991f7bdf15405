package scanner

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"twofold/internal/bounded"
)

// URLTimeout bounds fetching an image dropped from a browser, and
// MaxURLImage its size: far more than any QR code's picture.
var URLTimeout = 20 * time.Second

const MaxURLImage = 32 << 20

// ScanURL fetches an image a web browser dropped (its http or https
// address) and decodes its QR codes: the image is held in memory only,
// at most MaxURLImage bytes, fetched within URLTimeout. No other scheme
// is fetched, and no cookie or credential is sent.
func ScanURL(ctx context.Context, address string) ([]string, error) {
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("only an http or https address of an image can be fetched")
	}
	ctx, cancel := context.WithTimeout(ctx, URLTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch the image from %s: no answer within %s", u.Host, URLTimeout)
		}
		return nil, fmt.Errorf("fetch the image from %s: %w", u.Host, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the image from %s: the site answered %q", u.Host, resp.Status)
	}
	data, err := bounded.ReadAll(resp.Body, MaxURLImage)
	if errors.Is(err, bounded.ErrTooLarge) {
		return nil, fmt.Errorf("the image from %s is over %d MiB", u.Host, MaxURLImage>>20)
	}
	if err != nil {
		return nil, fmt.Errorf("fetch the image from %s: %w", u.Host, err)
	}
	img, err := ReadImage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("the image from %s: %w", u.Host, err)
	}
	return DecodeImage(img, DefaultBudget)
}
