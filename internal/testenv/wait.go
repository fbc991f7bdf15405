package testenv

import "time"

// Until checks cond every interval until it holds or timeout has passed,
// and reports whether it held: how tests wait for something another
// process or goroutine does (a card seen by pcscd, a window drawn), never
// for a fixed time. The timeout is generous, for busy machines; a test
// that holds is not slowed by it.
func Until(timeout, interval time.Duration, cond func() bool) bool {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		if cond() {
			return true
		}
		select {
		case <-tick.C:
		case <-deadline.C:
			return cond()
		}
	}
}
