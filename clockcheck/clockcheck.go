// Package clockcheck asks an NTP server how far the computer's clock is
// off. Time-based codes are refused when the clock is off by more than a
// period or so, and a wrong clock is the most common reason a correct
// secret gives "invalid code".
package clockcheck

import (
	"fmt"
	"time"

	"github.com/beevik/ntp"

	"twofold/internal/i18n"
)

// Tolerance is how far off the clock may be before the user is told.
const Tolerance = 10 * time.Second

// DefaultServer is asked when the user has not chosen another.
const DefaultServer = "pool.ntp.org"

// Offset returns how far the local clock is behind (positive) or ahead
// (negative) of the server's. server may be "host" or "host:port".
func Offset(server string, timeout time.Duration) (time.Duration, error) {
	resp, err := ntp.QueryWithOptions(server, ntp.QueryOptions{Timeout: timeout})
	if err != nil {
		return 0, fmt.Errorf("ask the time server %s: %w", server, err)
	}
	if err := resp.Validate(); err != nil {
		return 0, fmt.Errorf("the time server %s gave an unusable answer: %w", server, err)
	}
	return resp.ClockOffset, nil
}

// Describe says in one sentence how far off the clock is, or "" when it
// is within Tolerance.
func Describe(offset time.Duration) string {
	if offset > -Tolerance && offset < Tolerance {
		return ""
	}
	return i18n.Tf("This computer's clock is %s, so sites may refuse its codes: set the clock right (turn on automatic time).",
		Distance(offset))
}

// Distance says how far off the clock is: "42s behind the correct time".
func Distance(offset time.Duration) string {
	if offset < 0 {
		return i18n.Tf("%s ahead of the correct time", (-offset).Round(time.Second))
	}
	return i18n.Tf("%s behind the correct time", offset.Round(time.Second))
}
