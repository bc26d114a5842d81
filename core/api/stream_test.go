package api_test

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// TestEventStream: a viewer's SSE stream carries each change (an incident
// opened, a plan proposed and approved) as it commits.
func TestEventStream(t *testing.T) {
	e := newEnv(t, "sqlite", "")
	w1 := e.worker("w1")
	viewer := e.token("vera", domain.RoleViewer)
	op := e.token("olive", domain.RoleOperator)

	req, _ := http.NewRequest("GET", e.url+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+viewer)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	got := make(chan domain.Event, 64)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				var ev domain.Event
				if json.Unmarshal([]byte(data), &ev) == nil {
					got <- ev
				}
			}
		}
		close(got)
	}()
	p := e.planFor(w1, "web")
	e.must(200, "POST", "/api/v1/plans/"+p.ID+"/approve", op, domain.ApproveRequest{}, nil)
	want := map[string]bool{"incident": false, "facts": false, "plan": false, "task": false}
	deadline := time.After(10 * time.Second)
	for missing := len(want); missing > 0; {
		select {
		case ev, ok := <-got:
			if !ok {
				t.Fatal("stream ended")
			}
			if seen, known := want[ev.Kind]; known && !seen {
				want[ev.Kind] = true
				missing--
			}
		case <-deadline:
			t.Fatalf("events seen after 10s: %v", want)
		}
	}
	// A worker token may not watch the stream.
	req, _ = http.NewRequest("GET", e.url+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+w1)
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 403 {
		t.Fatalf("events with a worker token: %v %v", r.StatusCode, err)
	}
}

func TestHealthReadyMetrics(t *testing.T) {
	e := newEnv(t, "sqlite", "")
	w1 := e.worker("w1")
	e.must(202, "POST", "/api/v1/ingest", w1, crashed("w1", "web", time.Now().UTC()), nil)
	for path, want := range map[string]string{
		"/healthz": `"ok"`, "/readyz": `"store": "sqlite"`,
		"/metrics": `wingman_ingested_items_total{payload_type="facts"} 1`,
	} {
		resp, err := http.Get(e.url + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d, want %q in\n%s", path, resp.StatusCode, want, body)
		}
	}
}
