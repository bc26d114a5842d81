package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// factsPerEnvelope is what one worker sends per collection: every
// container it runs, in one envelope, so one transaction (one fsync on
// SQLite) stores all of them.
const factsPerEnvelope = 200

// BenchmarkIngest measures facts stored per second through the real HTTP
// API, with 8 workers sending at once: "churn" has every fact change
// state in every envelope, so every fact also writes a history row (the
// worst case); "steady" has one fact in twenty change, as a homelab's
// collections mostly repeat what they saw.
//
//	go test ./core/api -run '^$' -bench Ingest -benchtime 300x
func BenchmarkIngest(b *testing.B) {
	for _, kind := range stores {
		b.Run(kind+"/churn", func(b *testing.B) { benchIngest(b, kind, 1) })
		b.Run(kind+"/steady", func(b *testing.B) { benchIngest(b, kind, 20) })
	}
}

const benchWorkers = 8

// benchIngest sends envelopes in which one fact in every changes.
func benchIngest(b *testing.B, kind string, every int) {
	e := newEnv(b, kind, "")
	tokens := make([]string, benchWorkers)
	for i := range tokens {
		tokens[i] = e.worker(fmt.Sprintf("bw%d", i))
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 32}}
	// The workers would encode their envelopes on their own machines:
	// encode them before the clock starts.
	bodies := make([][]byte, b.N+1)
	for n := range bodies {
		bodies[n], _ = json.Marshal(bigEnvelope(fmt.Sprintf("bw%d", n%benchWorkers), n, every))
	}
	var seq atomic.Int64
	b.SetParallelism(4)
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n := seq.Add(1)
			if err := post(client, e.url+"/api/v1/ingest", tokens[n%benchWorkers], json.RawMessage(bodies[n])); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N*factsPerEnvelope)/time.Since(start).Seconds(), "facts/s")
}

// bigEnvelope is the n-th envelope (of all workers): in each round of
// envelopes, one fact in every changes state.
func bigEnvelope(worker string, n, every int) domain.Envelope {
	round := n / benchWorkers
	facts := make([]domain.WireFact, factsPerEnvelope)
	for i := range facts {
		status := []string{"running", "exited"}[(round+every-1-i%every)/every%2]
		facts[i] = domain.WireFact{Type: "container", Name: fmt.Sprintf("c%03d", i), Status: status,
			Attrs: map[string]any{"image": "app:1", "restart_count": 0, "exit_code": 0}}
	}
	payload, _ := json.Marshal(domain.FactsPayload{Facts: facts})
	return domain.Envelope{WorkerID: worker, Timestamp: time.Unix(1_700_000_000, int64(n)*int64(time.Millisecond)).UTC(),
		PayloadType: domain.PayloadFacts, Payload: payload}
}

func post(c *http.Client, url, token string, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	req, err := http.NewRequest("POST", url, bytes.NewReader(raw))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 300 {
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, msg)
	}
	return nil
}

// BenchmarkApprove measures the latency of one approval over HTTP, from
// request to the answer that the plan is approved and its task queued.
//
//	go test ./core/api -run '^$' -bench Approve -benchtime 200x
func BenchmarkApprove(b *testing.B) {
	for _, kind := range stores {
		b.Run(kind, func(b *testing.B) {
			e := newEnv(b, kind, "defaults:\n  author_may_approve: true\n")
			w1 := e.worker("w1")
			op := e.token("olive", domain.RoleOperator)
			ids := make([]string, b.N)
			for i := range ids {
				env := crashed("w1", fmt.Sprintf("app-%d", i), time.Now().UTC())
				e.must(202, "POST", "/api/v1/ingest", w1, env, nil)
			}
			var plans []domain.Plan
			e.must(200, "GET", fmt.Sprintf("/api/v1/plans?status=pending&limit=%d", b.N), op, nil, &plans)
			if len(plans) != b.N {
				b.Fatalf("%d plans proposed, want %d", len(plans), b.N)
			}
			for i, p := range plans {
				ids[i] = p.ID
			}
			client := &http.Client{}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for _, id := range ids {
				t0 := time.Now()
				if err := post(client, e.url+"/api/v1/plans/"+id+"/approve", op, domain.ApproveRequest{}); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(t0))
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}
