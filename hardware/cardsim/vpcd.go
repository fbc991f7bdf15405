package cardsim

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// vpcd (vsmartcard's virtual reader driver for pcscd) listens on TCP,
// 35963 for its first reader and 35964 for the second; the card connects
// as a client. Each message either way is a 2-byte big-endian length and
// that many bytes. A 1-byte message from the reader is a control code.
const (
	ctlPowerOff = 0
	ctlPowerOn  = 1
	ctlReset    = 2
	ctlGetATR   = 4
)

// ATR is a YubiKey 5's answer to reset.
var ATR = []byte{0x3b, 0xfd, 0x13, 0x00, 0x00, 0x81, 0x31, 0xfe, 0x15, 0x80, 0x73, 0xc0, 0x21, 0xc0, 0x57, 0x59, 0x75, 0x62, 0x69, 0x4b, 0x65, 0x79, 0x40}

// Plug is a card inserted in a vpcd reader.
type Plug struct {
	card *Card
	conn net.Conn
	done chan struct{}
	once sync.Once
	// cutOn, when set, pulls the card out on receiving an APDU with this
	// instruction, before answering: a key yanked mid-command.
	cutOn atomic.Int32
}

// Plug inserts the card into the vpcd reader at addr (for example
// "127.0.0.1:35963") and serves it until Unplug.
func (c *Card) Plug(addr string) (*Plug, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, err
	}
	p := &Plug{card: c, conn: conn, done: make(chan struct{})}
	p.cutOn.Store(-1)
	go p.serve()
	return p, nil
}

// CutOn makes the card vanish when it receives instruction ins.
func (p *Plug) CutOn(ins byte) { p.cutOn.Store(int32(ins)) }

// Unplug pulls the card out: pcscd sees it removed.
func (p *Plug) Unplug() {
	p.once.Do(func() { p.conn.Close() })
	<-p.done
}

// Done is closed once the card is out (unplugged, or vpcd went away).
func (p *Plug) Done() <-chan struct{} { return p.done }

func (p *Plug) serve() {
	defer close(p.done)
	defer p.once.Do(func() { p.conn.Close() })
	for {
		quickAck(p.conn)
		msg, err := readMsg(p.conn)
		if err != nil {
			return
		}
		var reply []byte
		switch {
		case len(msg) == 1 && msg[0] == ctlGetATR:
			reply = ATR
		case len(msg) == 1 && (msg[0] == ctlReset || msg[0] == ctlPowerOff || msg[0] == ctlPowerOn):
			p.card.reset()
			continue
		case len(msg) == 1:
			continue
		default:
			if len(msg) >= 2 && int32(msg[1]) == p.cutOn.Load() {
				return
			}
			reply = p.card.Process(msg)
		}
		if err := writeMsg(p.conn, reply); err != nil {
			return
		}
	}
}

func readMsg(r io.Reader) ([]byte, error) {
	var n [2]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	msg := make([]byte, binary.BigEndian.Uint16(n[:]))
	if _, err := io.ReadFull(r, msg); err != nil {
		return nil, err
	}
	if len(msg) == 0 {
		return nil, errors.New("empty vpcd message")
	}
	return msg, nil
}

func writeMsg(w io.Writer, b []byte) error {
	_, err := w.Write(binary.BigEndian.AppendUint16(nil, uint16(len(b))))
	if err == nil {
		_, err = w.Write(b)
	}
	return err
}
