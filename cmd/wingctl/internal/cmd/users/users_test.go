package users

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

var people = []domain.User{
	{ID: "u-a11ce0", Name: "Alice Liddell", Email: "alice@example.com", Role: domain.RoleAdmin, Issuer: "https://id", CreatedAt: apitest.Now.Add(-50 * time.Hour)},
	{ID: "u-b0b000", Name: "Bob", Email: "bob@example.com", Role: domain.RoleOperator, RoleOverride: domain.RoleViewer, Issuer: "https://id", CreatedAt: apitest.Now.Add(-time.Hour)},
	{ID: "u-ca7017", Name: "carol", Email: "carol@example.com", Issuer: "https://id", CreatedAt: apitest.Now.Add(-time.Minute)},
	{ID: "u-b0b001", Name: "Bob", Email: "bob2@example.com", Role: domain.RoleViewer, Issuer: "https://id", CreatedAt: apitest.Now.Add(-time.Minute)},
}

func TestListRun(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/users", apitest.JSON(http.StatusOK, people))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdList, "")
	want := "ID        NAME           EMAIL              ROLE    FROM      CREATED\n" +
		"u-a11ce0  Alice Liddell  alice@example.com  admin   groups    2d ago\n" +
		"u-b0b000  Bob            bob@example.com    viewer  override  1h ago\n" +
		"u-ca7017  carol          carol@example.com  none    groups    1m ago\n" +
		"u-b0b001  Bob            bob2@example.com   viewer  groups    1m ago\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
}

func TestNewCmdSetRole(t *testing.T) {
	tests := []struct {
		args      string
		wantUser  string
		wantRole  domain.Role
		wantUsage bool
	}{
		{args: "u-ca7017 viewer", wantUser: "u-ca7017", wantRole: domain.RoleViewer},
		{args: "carol@example.com admin", wantUser: "carol@example.com", wantRole: domain.RoleAdmin},
		{args: "u-b0b000 groups", wantUser: "u-b0b000"},
		{args: "u-ca7017 root", wantUsage: true},
		{args: "u-ca7017", wantUsage: true},
		{args: "u-ca7017 viewer extra", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdSetRole, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.User != tt.wantUser || got.Role != tt.wantRole {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestSetRoleRun(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantPut  string
		wantRole domain.Role
		errOut   string
		err      string // the whole error; "" for success
	}{
		{"by e-mail", []string{"CAROL@example.com", "operator"}, "PUT /api/v1/users/u-ca7017/role", domain.RoleOperator,
			"carol (u-ca7017) now acts as operator, whatever their groups say.\n", ""},
		{"by ID", []string{"u-b0b000", "groups"}, "PUT /api/v1/users/u-b0b000/role", "",
			"Bob (u-b0b000) has no override now: their groups decide (operator at their last sign-in).\n", ""},
		{"by unique name", []string{"Alice Liddell", "viewer"}, "PUT /api/v1/users/u-a11ce0/role", domain.RoleViewer,
			"Alice Liddell (u-a11ce0) now acts as viewer, whatever their groups say.\n", ""},
		{"nobody", []string{"dave", "viewer"}, "", "", "",
			`no single sign-on user has the ID, e-mail or name "dave" (see wingctl users list): not found`},
		{"ambiguous name", []string{"Bob", "viewer"}, "", "", "", `2 users match "Bob": name one by ID (u-b0b000, u-b0b001)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req domain.SetRoleRequest
			srv := apitest.Serve(t, "GET /api/v1/users", apitest.JSON(http.StatusOK, people))
			srv.Handle("PUT /api/v1/users/{id}/role", apitest.Capture(&req, func(w http.ResponseWriter, r *http.Request) {
				for _, u := range people {
					if u.ID == r.PathValue("id") {
						u.RoleOverride = req.Role
						apitest.JSON(http.StatusOK, u)(w, r)
					}
				}
			}))
			f, _, errOut := srv.Factory(output.Table)
			cmd := NewCmdSetRole(f, nil)
			cmd.SetArgs(tt.args) // a name may hold spaces
			cmd.SetOut(io.Discard)
			cmd.SetErr(io.Discard)
			cmd.SilenceErrors, cmd.SilenceUsage = true, true
			err := cmd.Execute()
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Errorf("err = %v, want %q", err, tt.err)
				}
				if r := srv.Requests(); len(r) != 1 {
					t.Errorf("requests = %q, want the list only", r)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r := srv.Requests(); len(r) != 2 || r[1] != tt.wantPut || req.Role != tt.wantRole {
				t.Errorf("requests = %q, body %+v; want %s with role %q", r, req, tt.wantPut, tt.wantRole)
			}
			if errOut.String() != tt.errOut {
				t.Errorf("errOut = %q, want %q", errOut, tt.errOut)
			}
		})
	}
}
