package tokens

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestNewCmdCreate(t *testing.T) {
	tests := []struct {
		args      string
		wantName  string
		wantRole  domain.Role
		wantUsage bool
	}{
		{args: "--name alice --role operator", wantName: "alice", wantRole: domain.RoleOperator},
		{args: "--role admin --name bob", wantName: "bob", wantRole: domain.RoleAdmin},
		{args: "--name alice", wantUsage: true},
		{args: "--role viewer", wantUsage: true},
		{args: "--name alice --role root", wantUsage: true},
		{args: "alice --role viewer", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdCreate, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.Name != tt.wantName || got.Role != tt.wantRole {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestCreateRun(t *testing.T) {
	created := domain.CreatedToken{Secret: "wm_s3cret", Token: domain.Token{ID: "tk-2b9e", Name: "alice", Kind: domain.TokenAPI, Role: domain.RoleOperator}}
	for _, format := range []output.Format{output.Table, output.JSON, output.YAML} {
		t.Run(string(format), func(t *testing.T) {
			var req domain.CreateTokenRequest
			srv := apitest.Serve(t, "POST /api/v1/tokens", apitest.Capture(&req, apitest.JSON(http.StatusCreated, created)))
			out, errOut := apitest.Exec(t, srv, format, NewCmdCreate, "--name alice --role operator")
			if req != (domain.CreateTokenRequest{Name: "alice", Role: domain.RoleOperator}) {
				t.Errorf("request = %+v", req)
			}
			switch format {
			case output.Table:
				if out.String() != "wm_s3cret\n" {
					t.Errorf("out = %q", out)
				}
				if errOut.String() != "Created token tk-2b9e for alice (operator). Its secret is shown only once; store it now:\n" {
					t.Errorf("errOut = %q", errOut)
				}
			case output.JSON:
				var got map[string]any
				if err := json.Unmarshal(out.Bytes(), &got); err != nil || got["token"] != "wm_s3cret" {
					t.Errorf("json = %s (%v), want a \"token\" key", out, err)
				}
			case output.YAML:
				if want := "token: wm_s3cret\n"; out.Len() < len(want) || out.String()[:len(want)] != want {
					t.Errorf("yaml = %s", out)
				}
			}
		})
	}
}

func TestListRun(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/tokens", apitest.JSON(http.StatusOK, []domain.Token{
		{ID: "tk-1", Name: "admin", Kind: domain.TokenAPI, Role: domain.RoleAdmin, CreatedAt: apitest.Now.Add(-50 * time.Hour)},
		{ID: "tk-2", Name: "bob", Kind: domain.TokenAPI, Role: domain.RoleViewer, CreatedAt: apitest.Now.Add(-time.Hour), RevokedAt: apitest.At(-time.Minute)},
		{ID: "tk-3", Name: "ci", Kind: domain.TokenAPI, Role: domain.RoleViewer, CreatedAt: apitest.Now.Add(-time.Hour), ExpiresAt: apitest.At(-time.Second)},
		{ID: "tk-4", Name: "worker edge-1", Kind: domain.TokenWorker, WorkerID: "edge-1", CreatedAt: apitest.Now.Add(-time.Hour)},
	}))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdList, "")
	want := "ID    NAME    KIND    ROLE    STATE    CREATED\n" +
		"tk-1  admin   api     admin   active   2d ago\n" +
		"tk-2  bob     api     viewer  revoked  1h ago\n" +
		"tk-3  ci      api     viewer  expired  1h ago\n" +
		"tk-4  edge-1  worker  -       active   1h ago\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
}

func TestRevokeRun(t *testing.T) {
	if got, err := apitest.ParseOptions(output.Table, NewCmdRevoke, "tk-2"); err != nil || got.ID != "tk-2" {
		t.Fatalf("options = %+v, %v", got, err)
	}
	srv := apitest.Serve(t, "DELETE /api/v1/tokens/{id}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	out, errOut := apitest.Exec(t, srv, output.Table, NewCmdRevoke, "tk-2")
	if out.Len() != 0 || errOut.String() != "Revoked token tk-2.\n" {
		t.Errorf("out = %q, errOut = %q", out, errOut)
	}
	if r := srv.Requests(); len(r) != 1 || r[0] != "DELETE /api/v1/tokens/tk-2" {
		t.Errorf("requests = %q", r)
	}
}
