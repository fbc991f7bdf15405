//go:build !linux

package cardsim

import "net"

// quickAck is Linux's TCP_QUICKACK; vpcd (and so cardsim) runs on Linux.
func quickAck(net.Conn) {}
