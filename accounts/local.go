package accounts

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"twofold/internal/bounded"
	"twofold/internal/securefile"
)

// What stays on this computer, never beside the vault: a synced folder
// must hold only the vault (a lock file there locks nothing on the other
// computer, and kept copies would sync and conflict). Each vault has a
// folder named by its ID, holding its lock and its kept generations; the
// computer's device identity is a file of its own.

// StateDir is the folder of Twofold's local state: $TWOFOLD_STATE if set,
// else $XDG_STATE_HOME/twofold (~/.local/state/twofold) on Linux and
// other Unix, %LOCALAPPDATA%\Twofold\State on Windows, and
// ~/Library/Application Support/Twofold/State on macOS.
func StateDir() (string, error) {
	if d := os.Getenv("TWOFOLD_STATE"); d != "" {
		return filepath.Abs(d)
	}
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("LOCALAPPDATA"); d != "" {
			return filepath.Join(d, "Twofold", "State"), nil
		}
	case "darwin":
		if d, err := os.UserConfigDir(); err == nil {
			return filepath.Join(d, "Twofold", "State"), nil
		}
	default:
		if d := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(d) {
			return filepath.Join(d, "twofold"), nil
		}
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cannot find a folder for Twofold's local state: %w", err)
	}
	return filepath.Join(home, ".local", "state", "twofold"), nil
}

// vaultStateDir is the local folder of the vault with this ID.
func vaultStateDir(id string) (string, error) {
	if !validID(id) {
		return "", ErrDamaged
	}
	d, err := StateDir()
	if err != nil {
		return "", err
	}
	d = filepath.Join(d, "vaults", id)
	if err := os.MkdirAll(d, 0o700); err != nil {
		return "", fmt.Errorf("create Twofold's local state folder: %w", err)
	}
	return d, nil
}

// validID: a vault ID names a folder, so it must be what Create makes
// (32 hex digits), never a path.
func validID(id string) bool {
	b, err := hex.DecodeString(id)
	return err == nil && len(b) == 16
}

// Device is this computer as the vault's change stamps name it: a random
// ID made once, and the computer's name for people ("merged 3 changes
// from desk-pc").
type Device struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

var (
	devicesMu sync.Mutex
	devices   = map[string]Device{} // by state folder
)

// ThisDevice is this computer's Device, made and kept in the state folder
// on first use.
func ThisDevice() (Device, error) {
	dir, err := StateDir()
	if err != nil {
		return Device{}, err
	}
	devicesMu.Lock()
	defer devicesMu.Unlock()
	if d, ok := devices[dir]; ok {
		return d, nil
	}
	d, err := loadDevice(dir)
	if err == nil {
		devices[dir] = d
	}
	return d, err
}

func loadDevice(dir string) (Device, error) {
	var d Device
	p := filepath.Join(dir, "device.json")
	data, err := bounded.ReadFile(p, 4096)
	if err == nil && json.Unmarshal(data, &d) == nil && validDeviceID(d.ID) {
		return d, nil
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return d, fmt.Errorf("read this computer's Twofold identity: %w", err)
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return d, err
	}
	d.ID = hex.EncodeToString(id[:])
	d.Name, _ = os.Hostname()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return d, fmt.Errorf("create Twofold's local state folder: %w", err)
	}
	data, _ = json.Marshal(d)
	if err := securefile.Write(p, data); err != nil {
		return d, fmt.Errorf("keep this computer's Twofold identity: %w", err)
	}
	return d, nil
}

func validDeviceID(id string) bool {
	b, err := hex.DecodeString(id)
	return err == nil && len(b) == 8
}
