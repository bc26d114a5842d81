package client_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// TestNextTasksFromAControlPlaneWithoutBatches: a wingmand older than task
// batches ignores ?max= and answers one task as an object, having leased
// it to the worker. NextTasks must hand that task on, not drop it on a
// decode error (it would stay leased and unrun until its lease ran out,
// and so would every task after it).
func TestNextTasksFromAControlPlaneWithoutBatches(t *testing.T) {
	for _, tt := range []struct {
		name   string
		answer any
		want   []string
	}{
		{"one task, as before batches", domain.WorkerTask{TaskID: "tk-1", Attempt: 1}, []string{"tk-1"}},
		{"a batch", []domain.WorkerTask{{TaskID: "tk-1"}, {TaskID: "tk-2"}}, []string{"tk-1", "tk-2"}},
		{"none", nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Query().Get("max") != "32" {
					t.Errorf("query = %s, want max=32", r.URL.RawQuery)
				}
				if tt.answer == nil {
					w.WriteHeader(http.StatusNoContent)
					return
				}
				writeJSON(w, 200, tt.answer)
			}))
			defer srv.Close()
			ts, err := client.New(srv.URL, "tok").NextTasks(context.Background(), time.Second, 32)
			if err != nil {
				t.Fatal(err)
			}
			if len(ts) != len(tt.want) {
				t.Fatalf("got %+v, want %v", ts, tt.want)
			}
			for i, tk := range ts {
				if tk.TaskID != tt.want[i] {
					t.Fatalf("got %+v, want %v", ts, tt.want)
				}
			}
		})
	}
}
