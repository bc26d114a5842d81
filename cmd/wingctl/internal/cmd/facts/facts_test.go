package facts

import (
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		args      string
		want      domain.FactFilter
		wantUsage bool
	}{
		{args: ""},
		{args: "--worker edge-1 --type container --name nginx --status exited --limit 9",
			want: domain.FactFilter{WorkerID: "edge-1", Type: "container", Name: "nginx", Status: "exited", Limit: 9}},
		{args: "--limit -1", wantUsage: true},
		{args: "nginx", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdList, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.Filter != tt.want {
				t.Errorf("filter = %+v, err = %v", got.Filter, err)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	facts := []domain.Fact{
		{WorkerID: "edge-1", Type: "container", Name: "nginx", Status: "exited", Attrs: map[string]any{"restarts": 5}, ObservedAt: apitest.Now.Add(-30 * time.Second)},
		{WorkerID: "edge-1", Type: "host", Name: "edge-1", Status: "up", ObservedAt: apitest.Now.Add(-2 * time.Minute)},
	}
	tests := []struct {
		format output.Format
		want   string
	}{
		{output.Table, "WORKER  TYPE       NAME    STATUS  OBSERVED\n" +
			"edge-1  container  nginx   exited  30s ago\n" +
			"edge-1  host       edge-1  up      2m ago\n"},
		{output.YAML, `- worker_id: edge-1
  type: container
  name: nginx
  status: exited
  attrs:
    restarts: 5
  observed_at: "2026-03-01T11:59:30Z"
- worker_id: edge-1
  type: host
  name: edge-1
  status: up
  observed_at: "2026-03-01T11:58:00Z"
`},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			srv := apitest.Serve(t, "GET /api/v1/facts", apitest.JSON(http.StatusOK, facts))
			out, _ := apitest.Exec(t, srv, tt.format, NewCmdList, "--worker edge-1")
			if out.String() != tt.want {
				t.Errorf("out:\n%s\nwant:\n%s", out, tt.want)
			}
			if r := srv.Requests(); r[0] != "GET /api/v1/facts?worker=edge-1" {
				t.Errorf("request = %q", r[0])
			}
		})
	}
}
