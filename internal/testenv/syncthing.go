package testenv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Syncthing is a real Syncthing (Debian's syncthing) started by a test:
// its own home, listening on loopback only, discovery and relays off,
// driven through its REST API.
type Syncthing struct {
	ID     string // its device ID
	Folder string // the shared folder's path
	api    string // http://127.0.0.1:PORT
	key    string
	listen string // tcp://127.0.0.1:PORT
	cmd    *exec.Cmd
	log    string
}

// SyncFolderID is the ID of the folder SyncthingPair shares.
const SyncFolderID = "twofold"

// SyncthingPair starts two Syncthings that share one folder, dirA on one
// and dirB on the other, and waits until they are connected. They stop
// when the test ends.
func SyncthingPair(t *testing.T, dirA, dirB string) (a, b *Syncthing) {
	t.Helper()
	bin := Tool(t, "syncthing")
	a, b = startSyncthing(t, bin, dirA), startSyncthing(t, bin, dirB)
	for _, pair := range [][2]*Syncthing{{a, b}, {b, a}} {
		s, peer := pair[0], pair[1]
		s.put(t, "/rest/config/devices/"+peer.ID, map[string]any{
			"deviceID": peer.ID, "name": filepath.Base(peer.Folder), "addresses": []string{peer.listen},
		})
		s.put(t, "/rest/config/folders/"+SyncFolderID, map[string]any{
			"id": SyncFolderID, "label": "Twofold", "path": s.Folder, "type": "sendreceive",
			"devices":         []map[string]string{{"deviceID": s.ID}, {"deviceID": peer.ID}},
			"rescanIntervalS": 60, "fsWatcherEnabled": true, "fsWatcherDelayS": 1,
		})
	}
	if !Until(60*time.Second, 200*time.Millisecond, func() bool { return a.connected(b) && b.connected(a) }) {
		t.Fatalf("the two Syncthings did not connect\n%s\n%s", a.tail(), b.tail())
	}
	return a, b
}

func startSyncthing(t *testing.T, bin, folder string) *Syncthing {
	t.Helper()
	home := t.TempDir()
	out, err := exec.Command(bin, "generate", "--home="+home, "--no-default-folder", "--skip-port-probing").CombinedOutput()
	if err != nil {
		t.Fatalf("syncthing generate: %v\n%s", err, out)
	}
	cfgPath := filepath.Join(home, "config.xml")
	cfg, err := os.ReadFile(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	s := &Syncthing{Folder: folder, key: fmt.Sprintf("twofold-test-%d", time.Now().UnixNano()), log: filepath.Join(home, "log")}
	s.api = "http://127.0.0.1:" + freePort(t)
	s.listen = "tcp://127.0.0.1:" + freePort(t)
	// Loopback only: no discovery, relays, NAT, upgrades or reports.
	for _, r := range []struct{ from, to string }{
		{"<listenAddress>default</listenAddress>", "<listenAddress>" + s.listen + "</listenAddress>"},
		{"<globalAnnounceEnabled>true<", "<globalAnnounceEnabled>false<"},
		{"<localAnnounceEnabled>true<", "<localAnnounceEnabled>false<"},
		{"<relaysEnabled>true<", "<relaysEnabled>false<"},
		{"<natEnabled>true<", "<natEnabled>false<"},
		{"<startBrowser>true<", "<startBrowser>false<"},
		{"<urAccepted>0<", "<urAccepted>-1<"},
		{"<crashReportingEnabled>true<", "<crashReportingEnabled>false<"},
	} {
		if !bytes.Contains(cfg, []byte(r.from)) {
			t.Fatalf("Syncthing's generated config has no %s", r.from)
		}
		cfg = bytes.Replace(cfg, []byte(r.from), []byte(r.to), 1)
	}
	cfg = regexp.MustCompile(`<autoUpgradeIntervalH>\d+<`).ReplaceAll(cfg, []byte("<autoUpgradeIntervalH>0<"))
	// Reconnect after a pause within a second, not a minute.
	cfg = regexp.MustCompile(`<reconnectionIntervalS>\d+<`).ReplaceAll(cfg, []byte("<reconnectionIntervalS>1<"))
	if err := os.WriteFile(cfgPath, cfg, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	s.cmd = exec.Command(bin, "serve", "--home="+home, "--no-browser", "--no-restart",
		"--gui-address="+s.api, "--gui-apikey="+s.key, "--logfile="+s.log)
	s.cmd.Env = append(os.Environ(), "STNOUPGRADE=1", "STNODEFAULTFOLDER=1")
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.cmd.Process.Kill(); s.cmd.Wait() })
	var status struct {
		MyID string `json:"myID"`
	}
	if !Until(60*time.Second, 100*time.Millisecond, func() bool { return s.get("/rest/system/status", &status) == nil }) {
		t.Fatalf("Syncthing did not answer on %s\n%s", s.api, s.tail())
	}
	s.ID = status.MyID
	return s
}

func freePort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}

func (s *Syncthing) request(method, path string, body any, out any) error {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, s.api+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("X-API-Key", s.key)
	c := http.Client{Timeout: 10 * time.Second}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, data)
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

func (s *Syncthing) get(path string, out any) error { return s.request("GET", path, nil, out) }

func (s *Syncthing) put(t *testing.T, path string, body any) {
	t.Helper()
	if err := s.request("PUT", path, body, nil); err != nil {
		t.Fatalf("Syncthing: %v", err)
	}
}

// SetPaused pauses or resumes this Syncthing's connection to peer: while
// paused, what either writes stays on its side.
func (s *Syncthing) SetPaused(t *testing.T, peer *Syncthing, paused bool) {
	t.Helper()
	if err := s.request("PATCH", "/rest/config/devices/"+peer.ID, map[string]any{"paused": paused}, nil); err != nil {
		t.Fatalf("Syncthing: %v", err)
	}
	if !Until(30*time.Second, 100*time.Millisecond, func() bool { return s.connected(peer) != paused }) {
		t.Fatalf("the connection did not become paused=%v", paused)
	}
}

func (s *Syncthing) connected(peer *Syncthing) bool {
	var c struct {
		Connections map[string]struct {
			Connected bool `json:"connected"`
		} `json:"connections"`
	}
	return s.get("/rest/system/connections", &c) == nil && c.Connections[peer.ID].Connected
}

// idleAndComplete: this side has scanned and pulled everything, and knows
// the peer has everything it has.
func (s *Syncthing) idleAndComplete(peer *Syncthing) bool {
	var st struct {
		State          string `json:"state"`
		NeedTotalItems int    `json:"needTotalItems"`
	}
	var comp struct {
		Completion float64 `json:"completion"`
		NeedItems  int     `json:"needItems"`
	}
	return s.get("/rest/db/status?folder="+SyncFolderID, &st) == nil && st.State == "idle" && st.NeedTotalItems == 0 &&
		s.get("/rest/db/completion?folder="+SyncFolderID+"&device="+peer.ID, &comp) == nil && comp.Completion == 100 && comp.NeedItems == 0
}

// WaitInSync waits until both Syncthings report the folder in sync, and
// the two folders hold the same files with the same contents, twice in a
// row (the apps beside may still be writing).
func WaitInSync(t *testing.T, a, b *Syncthing, timeout time.Duration) {
	t.Helper()
	last := ""
	stable := 0
	if !Until(timeout, 500*time.Millisecond, func() bool {
		a.request("POST", "/rest/db/scan?folder="+SyncFolderID, nil, nil)
		b.request("POST", "/rest/db/scan?folder="+SyncFolderID, nil, nil)
		if !a.idleAndComplete(b) || !b.idleAndComplete(a) {
			stable = 0
			return false
		}
		ca, cb := folderDigest(a.Folder), folderDigest(b.Folder)
		if ca != cb || ca != last {
			last, stable = ca, 0
			return false
		}
		stable++
		return stable >= 2
	}) {
		t.Fatalf("the folders did not come in sync within %s:\n%s\n%s\n%s\n%s", timeout, folderDigest(a.Folder), folderDigest(b.Folder), a.tail(), b.tail())
	}
}

// folderDigest lists a folder's files (not Syncthing's own) with their
// contents' length and a hash.
func folderDigest(dir string) string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if e.IsDir() || strings.HasPrefix(e.Name(), ".st") || strings.HasPrefix(e.Name(), ".syncthing.") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			continue
		}
		h := fnv.New64a()
		h.Write(data)
		out = append(out, fmt.Sprintf("%s %d %x", e.Name(), len(data), h.Sum64()))
	}
	return strings.Join(out, "\n")
}

func (s *Syncthing) tail() string {
	data, _ := os.ReadFile(s.log)
	if len(data) > 4000 {
		data = data[len(data)-4000:]
	}
	return string(data)
}
