package accounts

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// watchSettle is how long Watch waits after the last event before it
// calls changed: a write is a temp file, a rename and a folder sync, and
// a sync tool may write in several steps.
const watchSettle = 150 * time.Millisecond

// Watch calls changed (from its own goroutine) each time the file at path
// is written or replaced, by this process, another Twofold or a sync
// tool, until stop is closed. It watches the file's folder, as writes
// replace the file. It returns once the watch is in place.
func Watch(path string, stop <-chan struct{}, changed func()) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch the vault: %w", err)
	}
	dir, name := filepath.Split(path)
	if err := w.Add(filepath.Clean(dir)); err != nil {
		w.Close()
		return fmt.Errorf("watch the vault's folder: %w", err)
	}
	go func() {
		defer w.Close()
		settle := time.NewTimer(time.Hour)
		settle.Stop()
		for {
			select {
			case <-stop:
				settle.Stop()
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if filepath.Base(ev.Name) == name && ev.Op&(fsnotify.Create|fsnotify.Write|fsnotify.Rename) != 0 {
					settle.Reset(watchSettle)
				}
			case _, ok := <-w.Errors:
				if !ok {
					return
				}
				// An overflow loses events: look once, to be sure.
				settle.Reset(watchSettle)
			case <-settle.C:
				changed()
			}
		}
	}()
	return nil
}
