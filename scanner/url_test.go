package scanner

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"twofold/internal/qrcorpus"
)

// TestScanURL: an image a browser drops comes as its address; it is
// fetched (http and https only, bounded) and decoded in memory.
func TestScanURL(t *testing.T) {
	const payload = "otpauth://totp/Exponea:web?secret=JBSWY3DPEHPK3PXP&issuer=Exponea"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/qr.png":
			w.Write(qrcorpus.PNG(payload, 4))
		case "/huge.png":
			w.Write(make([]byte, MaxURLImage+1))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	texts, err := ScanURL(context.Background(), srv.URL+"/qr.png")
	if err != nil || len(texts) != 1 || texts[0] != payload {
		t.Fatalf("ScanURL = %q, %v", texts, err)
	}
	for _, tc := range []struct{ addr, want string }{
		{srv.URL + "/missing.png", `the site answered "404 Not Found"`},
		{srv.URL + "/huge.png", "is over 32 MiB"},
		{"file:///etc/passwd", "only an http or https address"},
		{"ftp://example.com/x.png", "only an http or https address"},
	} {
		if _, err := ScanURL(context.Background(), tc.addr); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.addr, err, tc.want)
		}
	}
}
