package worker

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// TestResultBatchFallsBackOneByOne: a control plane older than batches
// refuses an NDJSON body as a bad envelope (400 invalid). The worker must
// then send the same results one at a time, none of them set aside.
func TestResultBatchFallsBackOneByOne(t *testing.T) {
	var mu sync.Mutex
	var batches int
	stored := map[string]bool{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		var env domain.Envelope
		if err := json.Unmarshal(body, &env); err != nil {
			// What a strict decoder makes of several lines.
			mu.Lock()
			batches++
			mu.Unlock()
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(domain.ErrorBody{Error: domain.APIError{Code: domain.CodeInvalid,
				Message: "envelope: unexpected data after the JSON value"}})
			return
		}
		mu.Lock()
		stored[env.ID] = true
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
		json.NewEncoder(w).Encode(domain.IngestResponse{ID: env.ID, Accepted: 1})
	}))
	defer srv.Close()

	w := bufferedWorker(t)
	w.Client = client.New(srv.URL, "tok")
	for _, id := range []string{"tk-1", "tk-2", "tk-3"} {
		w.emit(domain.PayloadExecutionResult, domain.ExecutionResultPayload{TaskID: id, Attempt: 1, Status: domain.TaskSucceeded})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for ctx.Err() == nil && w.Outbox.Backlog().Files > 0 {
		if wait := w.pushOnce(ctx, nil); wait > 0 {
			t.Fatalf("pushOnce asked to wait %s; the results were not delivered", wait)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if batches == 0 {
		t.Error("the results were never offered as a batch")
	}
	if len(stored) != 3 || w.Outbox.Backlog().Files != 0 || w.Outbox.Backlog().Quarantined != 0 {
		t.Fatalf("stored %d of 3, %d files left, %d set aside", len(stored), w.Outbox.Backlog().Files, w.Outbox.Backlog().Quarantined)
	}
}

// TestResultBatchItemRetriedAfterAPause: a line of a batch answered with
// an error that is not a refusal stays in the outbox, and the pusher backs
// off before it sends it again instead of resending at once, forever.
func TestResultBatchItemRetriedAfterAPause(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		lines := 0
		for _, c := range body {
			if c == '\n' {
				lines++
			}
		}
		resp := domain.IngestBatchResponse{Results: make([]domain.IngestItem, lines)}
		resp.Results[0].Error = &domain.APIError{Code: domain.CodeUnavailable, Message: "try later"}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	}))
	defer srv.Close()
	w := bufferedWorker(t)
	w.Client = client.New(srv.URL, "tok")
	for _, id := range []string{"tk-1", "tk-2"} {
		w.emit(domain.PayloadExecutionResult, domain.ExecutionResultPayload{TaskID: id, Attempt: 1, Status: domain.TaskSucceeded})
	}
	if wait := w.pushOnce(context.Background(), nil); wait != retryBackoff {
		t.Errorf("pushOnce = %v with a line left to retry, want retryBackoff", wait)
	}
	if b := w.Outbox.Backlog(); b.Files != 1 || b.Quarantined != 0 {
		t.Errorf("outbox %+v, want the one line left and none set aside", b)
	}
}
