// Package pngfile writes a PNG file around image data that is already
// compressed (a PNG's IDAT stream): for reading a PDF's PNG image
// streams back as PNG files, and for tests' crafted images.
package pngfile

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
)

// Assemble is a PNG of w×h pixels of the given bit depth and colour type
// (0 grey, 2 RGB, 4 grey and alpha, 6 RGBA), its compressed data idat.
func Assemble(w, h, depth, colorType int, idat []byte) []byte {
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, c.Sum32())
	}
	ihdr := binary.BigEndian.AppendUint32(nil, uint32(w))
	ihdr = binary.BigEndian.AppendUint32(ihdr, uint32(h))
	chunk("IHDR", append(ihdr, byte(depth), byte(colorType), 0, 0, 0))
	chunk("IDAT", idat)
	chunk("IEND", nil)
	return out.Bytes()
}
