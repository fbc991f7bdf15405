package backup

import (
	"bytes"
	"encoding/xml"
	"net/http"

	"twofold/accounts"
)

// aegisIconTypes are the icon types Aegis takes (its IconType): any other
// makes Aegis refuse the whole entry.
var aegisIconTypes = []string{"image/png", "image/jpeg", "image/svg+xml"}

// iconType is the MIME type of a's icon: the one it was imported with,
// else told from its bytes; "" if neither says.
func iconType(a *accounts.Account) string {
	if a.IconType != "" {
		return a.IconType
	}
	return sniffIcon(a.Icon)
}

// sniffIcon tells an image's type from its first bytes: the raster types
// Go's content sniffing knows, and SVG (XML whose root is <svg>), which
// it calls text.
func sniffIcon(b []byte) string {
	if t := http.DetectContentType(b); len(t) > 6 && t[:6] == "image/" {
		return t
	}
	d := xml.NewDecoder(bytes.NewReader(b[:min(len(b), 4096)]))
	for range 64 { // the prolog: declaration, comments, doctype
		tok, err := d.Token()
		if err != nil {
			return ""
		}
		if el, ok := tok.(xml.StartElement); ok {
			if el.Name.Local == "svg" {
				return "image/svg+xml"
			}
			return ""
		}
	}
	return ""
}

func orUnknown(mime string) string {
	if mime == "" {
		return "of an unknown type"
	}
	return mime
}
