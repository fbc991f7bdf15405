//go:build cgo

package hardware

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ebfe/scard"
)

// pcscCard is a card held in a PC/SC transaction for the session's
// life: another client's SELECT would drop the OATH authentication.
type pcscCard struct {
	ctx  *scard.Context
	card *scard.Card
}

func (c *pcscCard) transmit(apdu []byte) ([]byte, error) {
	resp, err := c.card.Transmit(apdu)
	// pcscd dying mid-command leaves its client with "access denied" or
	// a broken transport rather than "service stopped".
	if err := serviceGone(err); err != nil {
		return nil, err
	}
	return resp, pcscError(err)
}

func (c *pcscCard) close() error {
	c.card.EndTransaction(scard.LeaveCard)
	c.card.Disconnect(scard.LeaveCard)
	return c.ctx.Release()
}

// pcscError turns PC/SC's codes into this package's errors.
func pcscError(err error) error {
	var se scard.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se {
	case scard.ErrNoService:
		return ErrNoService
	case scard.ErrServiceStopped, scard.ErrCommError:
		return ErrServiceLost
	case scard.ErrRemovedCard, scard.ErrResetCard, scard.ErrNoSmartcard, scard.ErrReaderUnavailable,
		scard.ErrUnpoweredCard, scard.ErrCommDataLost, scard.ErrUnknownReader, scard.ErrNotTransacted:
		return ErrRemoved
	}
	return fmt.Errorf("smart-card error: %w", err)
}

// serviceGone is err as ErrNoService or ErrServiceLost if it says the
// smart-card service is not there (any more), else nil.
func serviceGone(err error) error {
	if errors.Is(err, scard.ErrNoAccess) { // what a client of a dead pcscd may get
		return ErrServiceLost
	}
	if err = pcscError(err); errors.Is(err, ErrNoService) || errors.Is(err, ErrServiceLost) {
		return err
	}
	return nil
}

func readers(ctx *scard.Context) ([]string, error) {
	rs, err := ctx.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	return rs, pcscError(err)
}

// openReader connects to the card in reader and opens its OATH
// application inside a transaction.
func openReader(reader string) (*Session, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, pcscError(err)
	}
	card, err := connect(ctx, reader)
	if err != nil {
		return nil, err
	}
	t := &pcscCard{ctx: ctx, card: card}
	s, err := open(t, reader)
	if err != nil {
		t.close()
		return nil, err
	}
	return s, nil
}

// BusyWait bounds the wait for a key another program holds in a
// transaction (ykman, another Twofold): PC/SC would wait for ever.
var BusyWait = 10 * time.Second

// connect connects to the card in reader and begins a transaction, within
// BusyWait: while another client holds the card, libpcsclite's connect
// and begin both wait without end. On failure ctx is released (after a
// wait that timed out, by the goroutine still waiting in libpcsclite,
// which cannot be interrupted).
func connect(ctx *scard.Context, reader string) (*scard.Card, error) {
	type result struct {
		card *scard.Card
		err  error
	}
	done := make(chan result, 1)
	go func() {
		card, err := ctx.Connect(reader, scard.ShareShared, scard.ProtocolAny)
		if err == nil {
			if err = card.BeginTransaction(); err != nil {
				card.Disconnect(scard.LeaveCard)
			}
		}
		done <- result{card, err}
	}()
	t := time.NewTimer(BusyWait)
	defer t.Stop()
	select {
	case r := <-done:
		if r.err != nil {
			ctx.Release()
			return nil, pcscError(r.err)
		}
		return r.card, nil
	case <-t.C:
		go func() {
			if r := <-done; r.err == nil {
				r.card.EndTransaction(scard.LeaveCard)
				r.card.Disconnect(scard.LeaveCard)
			}
			ctx.Release()
		}()
		return nil, ErrBusy
	}
}

// Keys lists the plugged-in keys: every reader whose card answers the
// OATH application's SELECT.
func Keys() ([]Key, error) { return KeysIn("") }

// KeysIn is Keys limited to the readers whose name contains which,
// unless which is empty or a serial number: a key in another reader is
// not even selected, so another program's session on it is left alone.
func KeysIn(which string) ([]Key, error) { return keysIn(which, "") }

// keysIn is KeysIn, leaving out the reader held (one whose transaction
// this process holds: opening it again would wait for ever).
func keysIn(which, held string) ([]Key, error) {
	ctx, err := scard.EstablishContext()
	if err != nil {
		return nil, pcscError(err)
	}
	defer ctx.Release()
	rs, err := readers(ctx)
	if err != nil {
		return nil, err
	}
	if which != "" && !identifies(which) {
		rs = slices.DeleteFunc(rs, func(r string) bool { return !strings.Contains(r, which) })
	}
	var keys []Key
	for _, r := range rs {
		if r == held {
			continue
		}
		s, err := openReader(r)
		if err != nil {
			continue // an empty reader, or a card that is no OATH key
		}
		keys = append(keys, s.Key)
		s.Close()
	}
	return keys, nil
}

// identifies says whether which is a serial number or an OATH device id
// (22 characters of base64) rather than part of a reader's name: a key
// named so may be in any reader.
func identifies(which string) bool {
	if _, err := strconv.ParseUint(which, 10, 32); err == nil {
		return true
	}
	d, err := base64.RawStdEncoding.DecodeString(which)
	return err == nil && len(d) == 16
}

// Open opens the key chosen by which: "" when exactly one key is
// plugged in; else a serial number or (part of) a reader's name.
func Open(which string) (*Session, error) {
	keys, err := KeysIn(which)
	if err != nil {
		return nil, err
	}
	return openChosen(keys, which)
}

// OpenOther opens a second key, chosen by which as Open does, while the
// session first is open: first's reader is not opened again (its
// transaction is ours, so that would wait for ever), and which naming
// first's key is an error.
func OpenOther(which string, first *Session) (*Session, error) {
	if which != "" && first.Matches(which) {
		return nil, fmt.Errorf("%q names %s, the first key", which, first.Name())
	}
	keys, err := keysIn(which, first.Reader)
	if err != nil {
		return nil, err
	}
	return openChosen(keys, which)
}

// openChosen opens the one key of keys that which names.
func openChosen(keys []Key, which string) (*Session, error) {
	if len(keys) == 0 {
		if which != "" {
			return nil, fmt.Errorf("%w in a reader matching %q", ErrNoKey, which)
		}
		return nil, ErrNoKey
	}
	var match []Key
	for _, k := range keys {
		if k.Matches(which) {
			match = append(match, k)
		}
	}
	switch {
	case len(match) == 0:
		return nil, fmt.Errorf("%w that %q names (plugged in: %s)", ErrNoKey, which, names(keys))
	case len(match) > 1:
		return nil, fmt.Errorf("several YubiKeys are plugged in (%s): choose one with --reader, by serial or reader name", names(match))
	}
	return openReader(match[0].Reader)
}

// OpenKey opens the key k again, as found by Keys or Watch. It fails
// with ErrRemoved if another key (or none) is in its reader now.
func OpenKey(k Key) (*Session, error) {
	s, err := openReader(k.Reader)
	if err != nil {
		if errors.Is(err, ErrNoService) || errors.Is(err, ErrBusy) {
			return nil, err
		}
		return nil, ErrRemoved
	}
	if s.ID() != k.ID() {
		s.Close()
		return nil, ErrRemoved
	}
	return s, nil
}

func names(keys []Key) string {
	var s []string
	for _, k := range keys {
		if k.Serial == 0 {
			s = append(s, k.Reader+" (device id "+k.Device+")")
			continue
		}
		s = append(s, k.Name()+" in "+k.Reader)
	}
	return strings.Join(s, ", ")
}

// Watch calls changed with the plugged-in keys at the start and each
// time a key or reader comes or goes, until ctx ends. It waits on
// SCardGetStatusChange, without a time limit once a change has settled,
// so an idle watch costs nothing. When the
// smart-card service stops (or is not running yet), the keys are gone
// (changed(nil)) and Watch looks for the service again, at growing
// intervals up to ServiceRetry, until it is back.
//
// which limits it to some readers, as KeysIn does ("" for all).
func Watch(ctx context.Context, which string, changed func([]Key)) error {
	var last []Key
	first := true
	report := func(keys []Key) {
		if first || !slices.Equal(keys, last) {
			changed(keys)
			last, first = keys, false
		}
	}
	wait := time.Second
	for ctx.Err() == nil {
		err := watchService(ctx, which, report)
		if !errors.Is(err, ErrNoService) && !errors.Is(err, ErrServiceLost) {
			return err
		}
		if len(last) > 0 || first {
			report(nil)
			wait = time.Second
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		}
		t.Stop()
		wait = min(2*wait, ServiceRetry)
	}
	return nil
}

// watchIdle, when set (by tests), is called each time Watch starts a
// wait without a time limit.
var watchIdle func()

// ServiceRetry is the longest wait between looks for a smart-card
// service that is not running.
var ServiceRetry = 8 * time.Second

// watchService is Watch on one run of the smart-card service: it returns
// ErrNoService or ErrServiceLost when the service is not (or no longer)
// there, nil when ctx ends.
func watchService(ctx context.Context, which string, report func([]Key)) error {
	sc, err := scard.EstablishContext()
	if err != nil {
		return pcscError(err)
	}
	defer sc.Release()
	go func() { <-ctx.Done(); sc.Cancel() }()
	const pnp = `\\?PnP?\Notification`
	rescan, settle := true, 2
	for ctx.Err() == nil {
		rs, err := readers(sc)
		if err != nil {
			return err
		}
		// Take the readers' state first, then look at the keys, then wait
		// for a change from that state: a key plugged in meanwhile is a
		// change, not missed.
		states := []scard.ReaderState{{Reader: pnp, CurrentState: scard.StateUnaware}}
		for _, r := range rs {
			states = append(states, scard.ReaderState{Reader: r, CurrentState: scard.StateUnaware})
		}
		if err := sc.GetStatusChange(states, 0); err != nil && !errors.Is(err, scard.ErrTimeout) {
			if errors.Is(err, scard.ErrCancelled) {
				return nil
			}
			if err := serviceGone(err); err != nil {
				return err
			}
			time.Sleep(time.Second)
			continue
		}
		for i := range states {
			states[i].CurrentState = states[i].EventState &^ scard.StateChanged
		}
		// A service that signals readers coming and going (pcsc-lite and
		// Windows do) lets an idle watch sleep until something changes;
		// one that does not is asked again every 2 s.
		pnpSignals := states[0].EventState&scard.StateUnknown == 0
		// Keys are selected only when something changed: selecting an
		// application on a key disturbs another program's session on it.
		if rescan {
			keys, err := KeysIn(which)
			if err := serviceGone(err); err != nil {
				return err
			}
			report(keys)
		}
		wait := 2 * time.Second
		if settle <= 0 && pnpSignals {
			wait = -1 // no time limit: an idle watch makes no requests
			if watchIdle != nil {
				watchIdle()
			}
		}
		err = sc.GetStatusChange(states, wait)
		if errors.Is(err, scard.ErrCancelled) {
			return nil
		}
		if err := serviceGone(err); err != nil {
			return err
		}
		// A card just inserted may not answer yet: look again at the next
		// two quiet moments after any change (and after the start).
		if err == nil && cardsChanged(states) {
			rescan, settle = true, 2
		} else {
			rescan = settle > 0
			settle--
		}
	}
	return nil
}

// cardStates are the reader state bits that say which card is there:
// present or not, answering or not, and the count of insertions and
// removals (the high 16 bits). A reader's use by a program (ours
// included: each look at the keys connects) is not a change of keys.
const cardStates = scard.StatePresent | scard.StateEmpty | scard.StateMute | scard.StateUnavailable |
	scard.StateUnknown | scard.StateIgnore | 0xFFFF0000

// cardsChanged tells whether a status change that SCardGetStatusChange
// reported is a change of cards or readers, not only of use.
func cardsChanged(states []scard.ReaderState) bool {
	for _, st := range states {
		if st.EventState&cardStates != st.CurrentState&cardStates {
			return true
		}
	}
	return false
}
