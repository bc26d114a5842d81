package offline

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

func TestHandler(t *testing.T) {
	dir := t.TempDir()
	o := open(t, dir, 1<<20, &clock{t0})
	var names []string
	for i := 0; i < 3; i++ {
		n, err := o.Put(envelope(domain.PayloadFacts, t0.Add(time.Duration(i)*time.Minute), 300))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, n)
	}
	key, err := SyncKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := SyncKey(dir); again != key || len(key) != 64 {
		t.Fatalf("sync key %q then %q: want one 256-bit key kept", key, again)
	}
	if info, err := os.Stat(filepath.Join(dir, "state", "sync.key")); err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("sync key file: %v %v, want mode 0600", info, err)
	}
	srv := httptest.NewServer(Handler(o, key))
	defer srv.Close()
	do := func(method, path, auth string) (*http.Response, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader("refused: bad"))
		if auth != "" {
			req.Header.Set("Authorization", "Bearer "+auth)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	for _, auth := range []string{"", "wrong", key + "x"} {
		if resp, _ := do("GET", "/offline/pending", auth); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("pending with key %q: %s, want 401", auth, resp.Status)
		}
		if resp, _ := do("DELETE", "/offline/files/"+names[0], auth); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("delete with key %q: %s, want 401", auth, resp.Status)
		}
	}
	if len(o.List()) != 3 {
		t.Fatal("an unauthenticated call removed a file")
	}
	resp, body := do("GET", "/offline/pending?limit=2", key)
	var list struct{ Files []Item }
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &list) != nil || len(list.Files) != 2 ||
		list.Files[0].Name != names[2] || list.Files[1].Name != names[1] {
		t.Fatalf("pending: %s %s; want the two newest, newest first", resp.Status, body)
	}
	if o.PulledAt().Before(t0) {
		t.Error("a pull was not noted")
	}
	if resp, _ := do("GET", "/offline/pending?limit=0", key); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("limit=0: %s, want 400", resp.Status)
	}
	resp, body = do("GET", "/offline/files/"+names[2], key)
	if resp.StatusCode != 200 || !strings.Contains(body, `"worker_id":"w1"`) {
		t.Fatalf("file: %s %s", resp.Status, body)
	}
	if resp, _ := do("DELETE", "/offline/files/"+names[2], key); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("delete: %s", resp.Status)
	}
	if resp, _ := do("GET", "/offline/files/"+names[2], key); resp.StatusCode != http.StatusNotFound {
		t.Errorf("a deleted file: %s, want 404", resp.Status)
	}
	// Names that are paths reach nothing outside the waiting envelopes.
	escape := "/offline/files/state%2Fsync.key"
	if resp, _ := do("GET", escape, key); resp.StatusCode != http.StatusNotFound {
		t.Errorf("read a path outside the outbox: %s, want 404", resp.Status)
	}
	do("DELETE", escape, key)
	do("POST", escape+"/quarantine", key)
	if _, err := os.Stat(filepath.Join(dir, "state", "sync.key")); err != nil {
		t.Errorf("a path outside the outbox was deleted or moved: %v", err)
	}
	if resp, _ := do("POST", "/offline/files/"+names[1]+"/quarantine", key); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("quarantine: %s", resp.Status)
	}
	if b := o.Backlog(); b.Files != 1 || b.Quarantined != 1 {
		t.Errorf("backlog = %+v, want one file left and one quarantined", b)
	}
}
