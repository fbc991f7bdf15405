// Package securefile writes files that hold secrets (the vault, backups,
// exports, saved QR codes): mode 0600 from the first byte, whole or not
// at all. The one way Twofold writes such a file.
package securefile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces path with data: a temporary file beside it (mode 0600,
// named path's name + ".tmp…"), synced, renamed over path, and the
// folder synced, so at every moment path is the old file or the new one.
func Write(path string, data []byte) error {
	return WriteWith(path, data, nil)
}

// WriteWith is Write, calling beforeRename (if set) once the data is
// safely on disk and before it replaces path: the vault keeps its earlier
// copies then. An error from it leaves path as it was.
func WriteWith(path string, data []byte, beforeRename func() error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	err = tmp.Chmod(0o600)      // CreateTemp makes 0600 on Unix; say so everywhere
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if beforeRename != nil {
		if err := beforeRename(); err != nil {
			return err
		}
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	SyncDir(dir)
	return nil
}

// SyncDir makes a rename durable. Not every OS can open a folder for
// syncing (Windows cannot); there the rename is already durable enough.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}
