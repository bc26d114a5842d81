package whoami

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestWhoamiRun(t *testing.T) {
	if got, err := apitest.ParseOptions(output.Table, NewCmdWhoami, ""); err != nil || got.Format != output.Table {
		t.Fatalf("options = %+v, %v", got, err)
	}
	srv := apitest.Serve(t, "GET /api/v1/whoami", apitest.JSON(http.StatusOK, domain.Principal{
		Kind: domain.PrincipalUser, UserID: "u-1", Name: "alice", Role: domain.RoleOperator, TokenID: "tk-1"}))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdWhoami, "")
	want := "Name:      alice\nKind:      user\nRole:      operator\nUser ID:   u-1\nToken ID:  tk-1\nServer:    " + srv.URL + "\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
}

// TestWhoamiRunLogin shows a single sign-on user: no local token, and the
// expiry of the ID token.
func TestWhoamiRunLogin(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/whoami", apitest.JSON(http.StatusOK, domain.Principal{
		Kind: domain.PrincipalUser, UserID: "u-2", Name: "Alice Liddell", Role: domain.RoleAdmin, ExpiresAt: apitest.At(4 * time.Minute)}))
	out, _ := apitest.Exec(t, srv, output.Table, NewCmdWhoami, "")
	want := "Name:     Alice Liddell\nKind:     user\nRole:     admin\nUser ID:  u-2\n" +
		"Expires:  2026-03-01T12:04:00Z (in 4m)\nServer:   " + srv.URL + "\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
}

func TestWhoamiRunBadToken(t *testing.T) {
	srv := apitest.New(t)
	f, _, _ := apitest.NewFactory(srv.URL, "forged", output.Table)
	err := apitest.Run(NewCmdWhoami(f, nil), "")
	if !errors.Is(err, domain.ErrUnauthenticated) || err.Error() != "whoami: not authenticated: token not recognised" {
		t.Errorf("err = %v", err)
	}
}
