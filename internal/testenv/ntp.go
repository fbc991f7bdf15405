package testenv

import (
	"encoding/binary"
	"net"
	"testing"
	"time"
)

// NTPServer answers NTP queries on a loopback UDP port with the time
// shifted by offset, until the test ends. It returns "127.0.0.1:PORT".
func NTPServer(t testing.TB, offset time.Duration) string {
	t.Helper()
	addr, stop, err := ServeNTP(func() time.Time { return time.Now().Add(offset) })
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return addr
}

// ServeNTP is NTPServer for callers without a testing.TB (testscript
// commands): it answers with the time now gives until stop.
func ServeNTP(clock func() time.Time) (addr string, stop func(), err error) {
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	go func() {
		buf := make([]byte, 512)
		for {
			n, from, err := conn.ReadFrom(buf)
			if err != nil {
				return
			}
			if n < 48 {
				continue
			}
			now := clock()
			resp := make([]byte, 48)
			resp[0] = 0<<6 | (buf[0]>>3&7)<<3 | 4      // no leap warning, the client's version, server mode
			resp[1] = 2                                // stratum 2
			resp[2] = buf[2]                           // poll
			resp[3] = 0xec                             // precision ~ 2^-20 s
			binary.BigEndian.PutUint32(resp[4:], 0x10) // root delay
			binary.BigEndian.PutUint32(resp[8:], 0x10) // root dispersion
			copy(resp[12:16], "LOCL")                  // reference ID
			putTime(resp[16:], now.Add(-time.Minute))  // reference time
			copy(resp[24:32], buf[40:48])              // origin: the client's transmit time
			putTime(resp[32:], now)                    // receive time
			putTime(resp[40:], now)                    // transmit time
			conn.WriteTo(resp, from)
		}
	}()
	return conn.LocalAddr().String(), func() { conn.Close() }, nil
}

// putTime writes an NTP timestamp: seconds since 1900 and a fraction.
func putTime(b []byte, t time.Time) {
	const ntpEpochOffset = 2208988800
	secs := uint64(t.Unix() + ntpEpochOffset)
	frac := uint64(t.Nanosecond()) << 32 / 1e9
	binary.BigEndian.PutUint64(b, secs<<32|frac)
}
