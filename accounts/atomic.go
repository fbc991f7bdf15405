package accounts

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"twofold/internal/securefile"
)

// writeGenerations replaces path with data atomically and keeps the
// previous versions as dir/vault.1 ... vault.Generations. At every moment
// path holds either the old or the new complete file.
func writeGenerations(path, dir string, data []byte) error {
	if err := securefile.WriteWith(path, data, func() error { return keepGenerations(path, dir) }); err != nil {
		return fmt.Errorf("write vault: %w", err)
	}
	removeStaleTemps(path)
	return nil
}

// keepGenerations shifts vault.N-1 to vault.N ... and links the current
// file as vault.1, without ever touching path itself.
func keepGenerations(path, dir string) error {
	if _, err := os.Stat(path); err != nil {
		return nil // first write: nothing to keep
	}
	for i := Generations - 1; i >= 1; i-- {
		from := generationPath(dir, i)
		if _, err := os.Stat(from); err == nil {
			if err := os.Rename(from, generationPath(dir, i+1)); err != nil {
				return fmt.Errorf("keep earlier vault: %w", err)
			}
		}
	}
	first := generationPath(dir, 1)
	os.Remove(first)
	if err := os.Link(path, first); err == nil {
		return nil
	}
	// No hard links on this file system: copy, atomically too.
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("keep earlier vault: %w", err)
	}
	defer clear(data)
	if err := securefile.Write(first, data); err != nil {
		return fmt.Errorf("keep earlier vault: %w", err)
	}
	return nil
}

// removeStaleTemps deletes temp files left by a writer that was killed.
// Only called while holding the lock, so no live writer owns them.
func removeStaleTemps(path string) {
	dir, base := filepath.Split(path)
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, base+".tmp") || strings.HasPrefix(n, base+".1.tmp") {
			os.Remove(filepath.Join(dir, n))
		}
	}
}
