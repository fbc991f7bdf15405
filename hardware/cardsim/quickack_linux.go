package cardsim

import (
	"net"
	"syscall"
)

// quickAck asks Linux to acknowledge the next segments at once. vpcd
// writes a message's length and its body in two writes with Nagle's
// algorithm on, so the body waits for our ACK of the length, which
// Linux would otherwise delay by up to 40 ms: every APDU would cost
// that. The kernel turns quick ACKs off again by itself, so this is
// set before each read.
func quickAck(c net.Conn) {
	tc, ok := c.(*net.TCPConn)
	if !ok {
		return
	}
	if raw, err := tc.SyscallConn(); err == nil {
		raw.Control(func(fd uintptr) { syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1) })
	}
}
