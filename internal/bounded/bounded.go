// Package bounded reads input from outside (files, pipes, FIFOs, devices,
// standard input) with a limit on bytes and, for inputs that have no
// size, on time: the one way Twofold reads what it did not write.
//
// A regular file is checked against the limit from its size before a
// byte is read. Anything else (a pipe, a FIFO, /dev/zero, a terminal) is
// read through the limit and fails with ErrTooLarge as soon as it goes
// past it; a pipe or FIFO that stops sending without ending fails after
// Wait. A terminal has no time limit: a person is typing.
package bounded

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"golang.org/x/term"
)

// ErrTooLarge: the input went past the limit the caller set.
var ErrTooLarge = errors.New("the input is larger than Twofold accepts")

// ErrTimeout: an input without a size (a pipe, a FIFO) did not end in time.
var ErrTimeout = errors.New("the input did not end in time")

// Wait is how long an input without a size may take to end, opening
// included (a FIFO's open waits for its writer).
var Wait = 2 * time.Minute

// ReadAll reads r to its end, failing once it has more than max bytes.
func ReadAll(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		clear(data)
		return nil, fmt.Errorf("%w (over %s)", ErrTooLarge, Size(max))
	}
	return data, nil
}

// ReadFile reads the file at path: at most max bytes, and within Wait if
// it is not a regular file. Errors name the path.
func ReadFile(path string, max int64) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return nil, fmt.Errorf("%s is a folder, not a file", path)
	}
	if st.Mode().IsRegular() {
		if st.Size() > max {
			return nil, fmt.Errorf("%s: %w (over %s)", path, ErrTooLarge, Size(max))
		}
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		data, err := ReadAll(f, max) // it may have grown since Stat
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return data, nil
	}
	// A FIFO's open blocks until a writer comes: bound it with the read.
	data, err := withDeadline(func() ([]byte, error) {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		return ReadAll(f, max)
	})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return data, nil
}

// ReadStream reads r (standard input, say) to its end, at most max bytes,
// and within Wait unless r is a terminal.
func ReadStream(r io.Reader, max int64) ([]byte, error) {
	if IsTerminal(r) {
		return ReadAll(r, max)
	}
	return withDeadline(func() ([]byte, error) { return ReadAll(r, max) })
}

// withDeadline runs read and gives up after Wait. A read still blocked
// then is left to finish on its own goroutine (Go cannot interrupt a
// blocking read of an arbitrary file); its result is dropped and cleared.
func withDeadline(read func() ([]byte, error)) ([]byte, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	go func() {
		data, err := read()
		done <- result{data, err}
	}()
	t := time.NewTimer(Wait)
	defer t.Stop()
	select {
	case r := <-done:
		return r.data, r.err
	case <-t.C:
		go func() { clear((<-done).data) }()
		return nil, fmt.Errorf("%w (waited %s)", ErrTimeout, Wait.Round(time.Second))
	}
}

// IsTerminal reports whether r is a terminal, where a person types.
func IsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// Size is n bytes in words: "64 KiB", "256 MiB".
func Size(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
