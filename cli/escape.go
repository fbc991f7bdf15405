package cli

import (
	"fmt"
	"io"
	"unicode/utf8"
)

// escaper writes text for a terminal: control characters (but newline
// and tab) and bidirectional overrides are shown as \xNN or \uNNNN, so a
// label cannot carry escape sequences that rewrite the screen. JSON goes
// to the raw writer instead and stays exact.
type escaper struct {
	w    io.Writer
	tail []byte // an incomplete UTF-8 sequence from the last Write
}

func (e *escaper) Write(p []byte) (int, error) {
	n := len(p)
	data := append(e.tail, p...)
	e.tail = nil
	var out []byte
	for len(data) > 0 {
		if !utf8.FullRune(data) {
			e.tail = append([]byte{}, data...)
			break
		}
		r, size := utf8.DecodeRune(data)
		switch {
		case r == utf8.RuneError && size == 1:
			out = fmt.Appendf(out, `\x%02x`, data[0])
		case r == '\n' || r == '\t':
			out = append(out, data[:size]...)
		case r < 0x20 || r == 0x7f:
			out = fmt.Appendf(out, `\x%02x`, r)
		case r >= 0x80 && r <= 0x9f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f:
			out = fmt.Appendf(out, `\u%04x`, r)
		default:
			out = append(out, data[:size]...)
		}
		data = data[size:]
	}
	if _, err := e.w.Write(out); err != nil {
		return 0, err
	}
	return n, nil
}
