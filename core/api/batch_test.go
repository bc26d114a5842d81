package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// batch posts lines as one NDJSON ingest request with extra headers.
func (e *env) batch(token string, lines []string, header map[string]string) (int, domain.IngestBatchResponse, domain.APIError) {
	e.t.Helper()
	req, err := http.NewRequest("POST", e.url+"/api/v1/ingest", strings.NewReader(strings.Join(lines, "\n")+"\n"))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", domain.NDJSON)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out domain.IngestBatchResponse
	var eb domain.ErrorBody
	if resp.StatusCode >= 400 {
		if err := json.Unmarshal(raw, &eb); err != nil {
			e.t.Fatalf("batch: %d with a body that is not an ErrorBody: %s", resp.StatusCode, raw)
		}
	} else if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("batch: decode %s: %v", raw, err)
	}
	return resp.StatusCode, out, eb.Error
}

func resultLine(worker, taskID, id string) string {
	raw, _ := json.Marshal(domain.ExecutionResultPayload{TaskID: taskID, Attempt: 1, Status: domain.TaskSucceeded})
	b, _ := json.Marshal(domain.Envelope{ID: id, WorkerID: worker, Timestamp: time.Now().UTC(),
		PayloadType: domain.PayloadExecutionResult, Payload: raw})
	return string(b)
}

// TestTaskAndResultBatches: a worker takes several tasks in one long poll
// and reports results in one request. Every line of a batch is answered
// on its own: the good ones are stored, each bad one is refused with the
// reason and changes nothing, and sending the batch again stores nothing
// twice. A bad batch as a whole is refused with nothing stored.
func TestTaskAndResultBatches(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, "")
			w1 := e.worker("w1")
			e.worker("w2")
			var mine []string
			var theirs string
			if err := e.d.Store().Update(context.Background(), func(tx store.Tx) error {
				ids, err := storetest.Enqueue(tx, "w1", "docker", "restart", 3)
				mine = ids
				if err != nil {
					return err
				}
				ids, err = storetest.Enqueue(tx, "w2", "docker", "restart", 1)
				theirs = ids[0]
				return err
			}); err != nil {
				t.Fatal(err)
			}

			for _, bad := range []string{"0", "101", "two", ""} {
				code, apiErr := e.call("GET", "/api/v1/worker/tasks?max="+bad, w1, nil, nil)
				if code != 400 || !strings.Contains(apiErr.Message, "must be a number of tasks from 1 to 100") {
					t.Errorf("max=%q: %d %+v, want 400 naming the bounds", bad, code, apiErr)
				}
			}
			var got []domain.WorkerTask
			e.must(200, "GET", "/api/v1/worker/tasks?max=2", w1, nil, &got)
			if len(got) != 2 || got[0].TaskID == got[1].TaskID {
				t.Fatalf("max=2 handed out %+v, want two of %v", got, mine)
			}
			// Oldest first, and a plan's tasks by their place in it.
			var queued []domain.Task
			if err := e.d.Store().View(context.Background(), func(tx store.Tx) (err error) {
				queued, err = tx.GetTasks(mine)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			sort.Slice(queued, func(i, j int) bool {
				a, b := queued[i], queued[j]
				return a.CreatedAt.Before(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && a.ActionIndex < b.ActionIndex
			})
			taken, left := []string{got[0].TaskID, got[1].TaskID}, queued[2].ID
			if taken[0] != queued[0].ID || taken[1] != queued[1].ID {
				t.Errorf("handed out %v, want the oldest two of %+v in order", taken, queued)
			}

			before := e.counts()
			lines := []string{
				resultLine("w1", taken[0], "r-0"),
				resultLine("w1", theirs, "r-theirs"),
				"{not json",
				resultLine("w2", theirs, "r-as-w2"),
				resultLine("w1", "tk-nope", "r-nope"),
				resultLine("w1", taken[1], "r-1"),
				resultLine("w1", taken[1], "r-1"),
			}
			want := []struct {
				code      string
				duplicate bool
			}{{"", false}, {domain.CodeForbidden, false}, {domain.CodeInvalid, false}, {domain.CodeForbidden, false},
				{domain.CodeNotFound, false}, {"", false}, {"", true}}
			for _, header := range []map[string]string{{domain.BacklogHeader: "1"}} {
				if code, _, apiErr := e.batch(w1, lines, header); code != 400 || !strings.Contains(apiErr.Message, "one per request") {
					t.Errorf("a backlog batch: %d %+v, want 400", code, apiErr)
				}
			}
			tooMany := make([]string, domain.MaxIngestBatch+1)
			for i := range tooMany {
				tooMany[i] = resultLine("w1", mine[0], fmt.Sprintf("many-%d", i))
			}
			if code, _, apiErr := e.batch(w1, tooMany, nil); code != 413 || !strings.Contains(apiErr.Message, "at most 100 envelopes") {
				t.Errorf("101 envelopes: %d %+v, want 413", code, apiErr)
			}
			if after := e.counts(); after != before {
				t.Fatalf("a refused batch changed the store: %v -> %v", before, after)
			}

			for round := 0; round < 2; round++ {
				code, resp, apiErr := e.batch(w1, lines, nil)
				if code != 200 || len(resp.Results) != len(lines) {
					t.Fatalf("round %d: %d %+v %+v", round, code, resp, apiErr)
				}
				for i, it := range resp.Results {
					gotCode := ""
					if it.Error != nil {
						gotCode = it.Error.Code
					}
					// The second round finds every good line stored already.
					dup := want[i].duplicate || round == 1 && gotCode == ""
					if gotCode != want[i].code || it.Duplicate != dup {
						t.Errorf("round %d line %d: %+v (error %+v), want code %q duplicate %v", round, i+1, it, it.Error, want[i].code, dup)
					}
				}
			}
			if err := e.d.Store().View(context.Background(), func(tx store.Tx) error {
				ts, err := tx.GetTasks(append([]string{theirs}, mine...))
				for _, tk := range ts {
					wantStatus := domain.TaskSucceeded
					switch tk.ID {
					case theirs, left:
						wantStatus = domain.TaskQueued
					}
					if tk.Status != wantStatus {
						t.Errorf("task %s is %s, want %s", tk.ID, tk.Status, wantStatus)
					}
				}
				return err
			}); err != nil {
				t.Fatal(err)
			}
			// The task left is still handed out, as a one-task answer
			// without ?max.
			var last domain.WorkerTask
			e.must(200, "GET", "/api/v1/worker/tasks", w1, nil, &last)
			if last.TaskID != left {
				t.Fatalf("last task = %+v, want %s", last, left)
			}
			var none []domain.WorkerTask
			e.must(204, "GET", "/api/v1/worker/tasks?max=5", w1, nil, &none)
		})
	}
}
