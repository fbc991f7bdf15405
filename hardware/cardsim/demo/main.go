// Command demo plugs a software YubiKey holding a few made-up accounts
// into vpcd's first reader, for screenshots and trying the GUI without
// a key. It stays plugged in until killed.
//
//	go run ./hardware/cardsim/demo [-password PW] [-touch-after 2s]
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"twofold/accounts"
	"twofold/hardware"
	"twofold/hardware/cardsim"
	"twofold/internal/testenv"
)

func main() {
	password := flag.String("password", "", "protect the key's accounts with this OATH password")
	touchAfter := flag.Duration("touch-after", 2*time.Second, "how long the simulated user takes to touch the key")
	serial := flag.Uint("serial", 12345678, "the key's serial number")
	flag.Parse()
	if err := run(uint32(*serial), *password, *touchAfter); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

func run(serial uint32, password string, touchAfter time.Duration) error {
	addr, reader, err := testenv.VPCDAddr(0)
	if err != nil {
		return fmt.Errorf("needs %s", err)
	}
	card := cardsim.New(serial)
	card.Touch = func() bool { time.Sleep(touchAfter); return true }
	plug, err := card.Plug(addr)
	if err != nil {
		return err
	}
	defer plug.Unplug()
	var s *hardware.Session
	for end := time.Now().Add(10 * time.Second); s == nil; time.Sleep(100 * time.Millisecond) {
		if s, err = hardware.Open(reader); err != nil && time.Now().After(end) {
			return fmt.Errorf("the key did not appear in %s: %w", reader, err)
		}
	}
	// Made-up secrets.
	for i, a := range []*accounts.Account{
		{Issuer: "Exponea", Name: "ada@analytics.example", Kind: accounts.TOTP, Algorithm: accounts.SHA256, Digits: 8, Period: 30, Secret: []byte("demo secret one")},
		{Issuer: "GitLab", Name: "ada", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("demo secret two")},
		{Issuer: "Netim", Name: "ADA-NETIM", Kind: accounts.HOTP, Algorithm: accounts.SHA1, Digits: 6, Secret: []byte("demo secret three")},
		{Issuer: "N0C", Name: "admin", Kind: accounts.TOTP, Algorithm: accounts.SHA1, Digits: 6, Period: 30, Secret: []byte("demo secret four")},
	} {
		if _, err := s.Put(a, i == 3); err != nil {
			return err
		}
	}
	if password != "" {
		if err := s.SetPassword(password); err != nil {
			return err
		}
	}
	s.Close()
	fmt.Printf("A software YubiKey %d is in %s; interrupt to pull it out.\n", serial, reader)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	<-stop
	return nil
}
