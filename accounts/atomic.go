package accounts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// writeGenerations replaces path with data atomically and keeps the
// previous versions as path.1 ... path.Generations. At every moment path
// holds either the old or the new complete file.
func writeGenerations(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write vault: %w", err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("write vault: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write vault: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write vault: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write vault: %w", err)
	}
	if err := keepGenerations(path); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write vault: %w", err)
	}
	syncDir(dir)
	removeStaleTemps(path)
	return nil
}

// keepGenerations shifts path.N-1 to path.N ... and links the current file
// as path.1, without ever touching path itself.
func keepGenerations(path string) error {
	if _, err := os.Stat(path); err != nil {
		return nil // first write: nothing to keep
	}
	for i := Generations - 1; i >= 1; i-- {
		from := fmt.Sprintf("%s.%d", path, i)
		if _, err := os.Stat(from); err == nil {
			if err := os.Rename(from, fmt.Sprintf("%s.%d", path, i+1)); err != nil {
				return fmt.Errorf("keep earlier vault: %w", err)
			}
		}
	}
	first := path + ".1"
	os.Remove(first)
	if err := os.Link(path, first); err == nil {
		return nil
	}
	// No hard links on this file system: copy, atomically too.
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("keep earlier vault: %w", err)
	}
	tmp := first + ".tmp"
	if err := os.WriteFile(tmp, data, 0o600); err != nil {
		return fmt.Errorf("keep earlier vault: %w", err)
	}
	if err := os.Rename(tmp, first); err != nil {
		return fmt.Errorf("keep earlier vault: %w", err)
	}
	return nil
}

// syncDir makes a rename durable. Not every OS can open a folder for
// syncing (Windows cannot); there the rename is already durable enough.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// removeStaleTemps deletes temp files left by a writer that was killed.
// Only called while holding the lock, so no live writer owns them.
func removeStaleTemps(path string) {
	dir, base := filepath.Split(path)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, base+".tmp") || n == base+".1.tmp" {
			os.Remove(filepath.Join(dir, n))
		}
	}
}
