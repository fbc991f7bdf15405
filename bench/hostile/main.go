// Command hostile writes the hostile inputs of internal/hostile into a
// folder, so their cost can be measured on a built twofold:
//
//	go run ./bench/hostile -out /tmp/hostile
//	/usr/bin/time -v twofold import /tmp/hostile/costly-slot.twofold --password-file /tmp/hostile/password
//
// scripts/bench-hostile.sh runs every case that way.
package main

import (
	"flag"
	"log"
	"os"
	"path/filepath"
	"strings"

	"twofold/internal/hostile"
)

func main() {
	out := flag.String("out", "hostile", "folder to write into")
	flag.Parse()
	files := map[string][]byte{
		"password":                []byte(hostile.Password + "\n"),
		"transfer-2147483647.png": hostile.QRPNG(hostile.TransferURI(2147483647)),
		"costly-slot.twofold":     hostile.Twofold(hostile.Slot{T: 64, M: 1 << 20, P: 255, KeyLen: 32}),
		"many-slots.twofold":      hostile.ManySlots(4500),
		"short-key.twofold":       hostile.Twofold(hostile.Slot{T: 1, M: 8, P: 1, KeyLen: 16}),
		"aegis-4gib.json":         hostile.Aegis(1<<20, 32, 1),
		"png16-100mp.png":         hostile.PNG(10000, 10000, 16, 6),
		"thin-200000x499.png":     hostile.PNG(200000, 499, 8, 0),
		"bad-otpauth.txt":         []byte(strings.Join(hostile.BadOTPAuth, "\n") + "\n"),
	}
	if err := os.MkdirAll(*out, 0o700); err != nil {
		log.Fatal(err)
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(*out, name), data, 0o600); err != nil {
			log.Fatal(err)
		}
	}
}
