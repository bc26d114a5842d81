package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
)

// seedBacklog fills a worker's buffer folder with n facts envelopes, one
// every step back from from, as a worker cut off for that long writes them;
// pad makes each about that many bytes larger.
func seedBacklog(b testing.TB, dir, worker string, n int, from time.Time, step time.Duration, pad int) time.Time {
	b.Helper()
	o, err := offline.Open(dir, offline.Options{MaxBytes: 100 << 20, MaxAge: 100 * time.Hour})
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < n; i++ {
		at := from.Add(-time.Duration(i) * step)
		payload, _ := json.Marshal(domain.FactsPayload{Facts: []domain.WireFact{
			{Type: "host", Name: worker, Status: "up", Attrs: map[string]any{"cpu_percent": i % 100, "mem_used": 1 << 30,
				"note": strings.Repeat("x", pad)}},
			{Type: "container", Name: "web", Status: "running", Attrs: map[string]any{"image": "nginx:1.25", "restart_count": i}},
		}})
		if _, err := o.Put(domain.Envelope{ID: fmt.Sprintf("seed-%s-%d", worker, i), WorkerID: worker, SiteName: "Site A",
			Timestamp: at, PayloadType: domain.PayloadFacts, Payload: payload}); err != nil {
			b.Fatal(err)
		}
	}
	return from
}

// BenchmarkOfflineReconnect: a worker comes back with a 24-hour backlog at
// one envelope a minute (1,440 files). Reported: how long after the link
// comes back the newest state is stored (target ≤ 1 s), and how long the
// whole backlog takes to drain (target ≤ 60 s), as files a second.
//
//	go test ./cmd/e2e -run '^$' -bench OfflineReconnect -benchtime 1x
func BenchmarkOfflineReconnect(b *testing.B) {
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := startDaemon(b)
		var wk struct{ Token string }
		d.mustJSON(d.adminToken(), &wk, "workers", "add", "w1", "--site", "Site A")
		l := newLink(b, d.url)
		l.setDown(true)
		w := newWorkerProc(b, d, l.url(), "w1", wk.Token, "WORKER_COLLECT_INTERVAL=1h")
		w.stop()
		newest := seedBacklog(b, w.dir, "w1", 1440, time.Now().UTC(), time.Minute, 0)
		w.start()
		time.Sleep(2 * time.Second) // the worker is up, retrying
		b.StartTimer()
		back := time.Now()
		l.setDown(false)
		var visible, drained time.Duration
		seen := 0
		waitFor(b, 120*time.Second, "the backlog drained", func() bool {
			seen = 0
			for _, a := range l.arrivals() {
				if a.PayloadType != domain.PayloadFacts || a.Timestamp.After(newest) {
					continue
				}
				seen++
				if a.Timestamp.Equal(newest) && visible == 0 {
					visible = a.At.Sub(back)
				}
				if d := a.At.Sub(back); d > drained {
					drained = d
				}
			}
			return seen >= 1440
		})
		b.StopTimer()
		b.ReportMetric(float64(visible.Milliseconds()), "newest-visible-ms")
		b.ReportMetric(drained.Seconds(), "drain-s")
		b.ReportMetric(1440/drained.Seconds(), "files/s")
		w.stop()
		d.stop()
	}
}

// BenchmarkOfflineDrain100: 100 real workers come back at once with 200
// envelopes each while another worker keeps reporting live. Reported:
// that worker's ingest p99 when quiet and during the drain, and their
// ratio (target ≤ 2).
//
//	go test ./cmd/e2e -run '^$' -bench OfflineDrain100 -benchtime 1x
func BenchmarkOfflineDrain100(b *testing.B) {
	const workers, backlog = 100, 200
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := startDaemon(b)
		admin := d.adminToken()
		var probe struct{ Token string }
		d.mustJSON(admin, &probe, "workers", "add", "probe", "--site", "Site B")
		l := newLink(b, d.url)
		l.setDown(true)
		ws := make([]*workerProc, workers)
		for j := range ws {
			id := fmt.Sprintf("w%03d", j)
			var wk struct{ Token string }
			d.mustJSON(admin, &wk, "workers", "add", id, "--site", "Site A")
			ws[j] = newWorkerProc(b, d, l.url(), id, wk.Token, "WORKER_COLLECT_INTERVAL=1h", "WORKER_LOG_LEVEL=warn")
			ws[j].stop()
			seedBacklog(b, ws[j].dir, id, backlog, time.Now().UTC(), time.Minute, 0)
			ws[j].start()
		}
		time.Sleep(5 * time.Second) // the workers' first heartbeats and long polls settle
		quiet := probeIngest(b, d, probe.Token, 10*time.Second, nil)
		b.StartTimer()
		l.setDown(false)
		done := make(chan struct{})
		var during []time.Duration
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			during = probeIngest(b, d, probe.Token, 10*time.Minute, done)
		}()
		waitFor(b, 10*time.Minute, "100 backlogs drained", func() bool {
			n := 0
			for _, a := range l.arrivals() {
				if strings.HasPrefix(a.ID, "seed-") {
					n++
				}
			}
			return n >= workers*backlog
		})
		close(done)
		wg.Wait()
		b.StopTimer()
		q, dr := p99(quiet), p99(during)
		b.ReportMetric(float64(q.Microseconds())/1000, "quiet-p99-ms")
		b.ReportMetric(float64(dr.Microseconds())/1000, "drain-p99-ms")
		b.ReportMetric(float64(dr)/float64(q), "p99-ratio")
		for _, w := range ws {
			w.stop()
		}
		d.stop()
	}
}

// probeIngest posts a live facts envelope every 20 ms as worker "probe"
// until the time is up or done closes, and returns the latencies.
func probeIngest(b *testing.B, d *daemon, token string, within time.Duration, done <-chan struct{}) []time.Duration {
	var lat []time.Duration
	end := time.After(within)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for n := 0; ; n++ {
		select {
		case <-end:
			return lat
		case <-done:
			return lat
		case <-tick.C:
		}
		payload, _ := json.Marshal(domain.FactsPayload{Facts: []domain.WireFact{{Type: "host", Name: "probe", Status: "up",
			Attrs: map[string]any{"n": n}}}})
		body, _ := json.Marshal(domain.Envelope{WorkerID: "probe", SiteName: "Site B", Timestamp: time.Now().UTC(),
			PayloadType: domain.PayloadFacts, Payload: payload})
		req, _ := http.NewRequest("POST", d.url+"/api/v1/ingest", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusAccepted {
			b.Fatalf("probe ingest: %s", resp.Status)
		}
		lat = append(lat, time.Since(t0))
	}
}

func p99(lat []time.Duration) time.Duration {
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	return lat[len(lat)*99/100]
}
