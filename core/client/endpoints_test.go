package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

// recorded is what the test server saw of one request.
type recorded struct {
	method, path, query, auth, body string
}

// serve answers every request with status and v, and records the request.
func serve(t *testing.T, status int, v any) (*client.Client, *recorded) {
	t.Helper()
	rec := &recorded{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		*rec = recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Get("Authorization"), string(b)}
		if v == nil {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, v)
	}))
	t.Cleanup(srv.Close)
	return client.New(srv.URL+"/", "s3cret"), rec
}

func TestRequests(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		status int
		answer any
		call   func(c *client.Client) (any, error)
		want   recorded
		result any
	}{
		{"status", 200, domain.Status{Version: "1.0"}, func(c *client.Client) (any, error) { return c.Status(ctx) },
			recorded{method: "GET", path: "/api/v1/status"}, domain.Status{Version: "1.0"}},
		{"whoami", 200, domain.Principal{Name: "alice"}, func(c *client.Client) (any, error) { return c.Whoami(ctx) },
			recorded{method: "GET", path: "/api/v1/whoami"}, domain.Principal{Name: "alice"}},
		{"facts filtered", 200, []domain.Fact{{Name: "nginx"}}, func(c *client.Client) (any, error) {
			return c.ListFacts(ctx, domain.FactFilter{WorkerID: "edge-1", Type: "container", Name: "nginx", Status: "exited", Limit: 5})
		}, recorded{method: "GET", path: "/api/v1/facts", query: "limit=5&name=nginx&status=exited&type=container&worker=edge-1"},
			[]domain.Fact{{Name: "nginx"}}},
		{"facts null is empty", 200, json.RawMessage("null"), func(c *client.Client) (any, error) { return c.ListFacts(ctx, domain.FactFilter{}) },
			recorded{method: "GET", path: "/api/v1/facts"}, []domain.Fact{}},
		{"incidents", 200, []domain.Incident{{ID: "in-1"}}, func(c *client.Client) (any, error) {
			return c.ListIncidents(ctx, domain.IncidentFilter{State: domain.IncidentOpen, WorkerID: "w", Limit: 2})
		}, recorded{method: "GET", path: "/api/v1/incidents", query: "limit=2&state=open&worker=w"}, []domain.Incident{{ID: "in-1"}}},
		{"incident", 200, domain.Incident{ID: "in 1"}, func(c *client.Client) (any, error) { return c.GetIncident(ctx, "in 1") },
			recorded{method: "GET", path: "/api/v1/incidents/in 1"}, domain.Incident{ID: "in 1"}},
		{"plans", 200, []domain.Plan{{ID: "pl-1"}}, func(c *client.Client) (any, error) {
			return c.ListPlans(ctx, domain.PlanFilter{Status: domain.PlanPending, Limit: 3})
		}, recorded{method: "GET", path: "/api/v1/plans", query: "limit=3&status=pending"}, []domain.Plan{{ID: "pl-1"}}},
		{"plan", 200, domain.Plan{ID: "pl-1"}, func(c *client.Client) (any, error) { return c.GetPlan(ctx, "pl-1") },
			recorded{method: "GET", path: "/api/v1/plans/pl-1"}, domain.Plan{ID: "pl-1"}},
		{"approve", 200, domain.DecisionResponse{Outcome: "approved"}, func(c *client.Client) (any, error) { return c.Approve(ctx, "pl-1", "ok") },
			recorded{method: "POST", path: "/api/v1/plans/pl-1/approve", body: `{"comment":"ok"}`}, domain.DecisionResponse{Outcome: "approved"}},
		{"reject", 200, domain.DecisionResponse{Outcome: "rejected"}, func(c *client.Client) (any, error) { return c.Reject(ctx, "pl-1", "no") },
			recorded{method: "POST", path: "/api/v1/plans/pl-1/reject", body: `{"reason":"no"}`}, domain.DecisionResponse{Outcome: "rejected"}},
		{"workers", 200, []domain.Worker{{ID: "w"}}, func(c *client.Client) (any, error) { return c.ListWorkers(ctx) },
			recorded{method: "GET", path: "/api/v1/workers"}, []domain.Worker{{ID: "w"}}},
		{"create worker", 201, domain.CreatedWorker{Secret: "x"}, func(c *client.Client) (any, error) { return c.CreateWorker(ctx, "w", "home") },
			recorded{method: "POST", path: "/api/v1/workers", body: `{"id":"w","site_name":"home"}`}, domain.CreatedWorker{Secret: "x"}},
		{"delete worker", 204, nil, func(c *client.Client) (any, error) { return nil, c.DeleteWorker(ctx, "w") },
			recorded{method: "DELETE", path: "/api/v1/workers/w"}, nil},
		{"tokens", 200, []domain.Token{{ID: "t"}}, func(c *client.Client) (any, error) { return c.ListTokens(ctx) },
			recorded{method: "GET", path: "/api/v1/tokens"}, []domain.Token{{ID: "t"}}},
		{"create token", 201, domain.CreatedToken{Secret: "x"}, func(c *client.Client) (any, error) {
			return c.CreateToken(ctx, domain.CreateTokenRequest{Name: "alice", Role: domain.RoleOperator})
		}, recorded{method: "POST", path: "/api/v1/tokens", body: `{"name":"alice","role":"operator"}`}, domain.CreatedToken{Secret: "x"}},
		{"revoke token", 204, nil, func(c *client.Client) (any, error) { return nil, c.RevokeToken(ctx, "t") },
			recorded{method: "DELETE", path: "/api/v1/tokens/t"}, nil},
		{"audit", 200, domain.AuditPage{Next: 9}, func(c *client.Client) (any, error) { return c.Audit(ctx, 4, 100) },
			recorded{method: "GET", path: "/api/v1/audit", query: "after=4&limit=100"}, domain.AuditPage{Events: []domain.AuditEvent{}, Next: 9}},
		{"auth config", 200, domain.AuthConfig{OIDC: true, ClientID: "wingctl"}, func(c *client.Client) (any, error) { return c.AuthConfig(ctx) },
			recorded{method: "GET", path: "/api/v1/auth/config"}, domain.AuthConfig{OIDC: true, ClientID: "wingctl"}},
		{"users", 200, []domain.User{{ID: "u-1"}}, func(c *client.Client) (any, error) { return c.ListUsers(ctx) },
			recorded{method: "GET", path: "/api/v1/users"}, []domain.User{{ID: "u-1"}}},
		{"set role", 200, domain.User{ID: "u-1", RoleOverride: domain.RoleAdmin}, func(c *client.Client) (any, error) {
			return c.SetUserRole(ctx, "u-1", domain.RoleAdmin)
		}, recorded{method: "PUT", path: "/api/v1/users/u-1/role", body: `{"role":"admin"}`}, domain.User{ID: "u-1", RoleOverride: domain.RoleAdmin}},
		{"ingest", 200, domain.IngestResponse{ID: "e", Accepted: 1}, func(c *client.Client) (any, error) {
			return c.Ingest(ctx, domain.Envelope{ID: "e", WorkerID: "w", PayloadType: domain.PayloadHealth, Payload: json.RawMessage(`{}`)})
		}, recorded{method: "POST", path: "/api/v1/ingest",
			body: `{"id":"e","worker_id":"w","site_name":"","timestamp":"0001-01-01T00:00:00Z","payload_type":"health","payload":{}}`},
			domain.IngestResponse{ID: "e", Accepted: 1}},
		{"next task", 200, domain.WorkerTask{TaskID: "tk"}, func(c *client.Client) (any, error) { return c.NextTask(ctx, 30*time.Second) },
			recorded{method: "GET", path: "/api/v1/worker/tasks", query: "wait=30s"}, &domain.WorkerTask{TaskID: "tk"}},
		{"no task", 204, nil, func(c *client.Client) (any, error) { return c.NextTask(ctx, time.Second) },
			recorded{method: "GET", path: "/api/v1/worker/tasks", query: "wait=1s"}, (*domain.WorkerTask)(nil)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, rec := serve(t, tt.status, tt.answer)
			got, err := tt.call(c)
			if err != nil {
				t.Fatal(err)
			}
			tt.want.auth = "Bearer s3cret"
			if *rec != tt.want {
				t.Errorf("request = %+v\nwant      %+v", *rec, tt.want)
			}
			if !reflect.DeepEqual(got, tt.result) {
				t.Errorf("result = %#v, want %#v", got, tt.result)
			}
		})
	}
}

func TestNoTokenSendsNoAuthorization(t *testing.T) {
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Values("Authorization")
		writeJSON(w, 200, domain.Status{})
	}))
	defer srv.Close()
	if _, err := client.New(srv.URL, "").Status(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(auth) != 0 {
		t.Errorf("Authorization = %q, want none", auth)
	}
}

// TestTokenSource asks for the token before every request, and a failure
// to get one sends nothing.
func TestTokenSource(t *testing.T) {
	var auth []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = append(auth, r.Header.Get("Authorization"))
		writeJSON(w, 200, domain.Status{})
	}))
	defer srv.Close()
	n := 0
	refused := errors.New("login expired")
	c := client.New(srv.URL, "ignored", client.WithTokenSource(func(context.Context) (string, error) {
		n++
		if n == 3 {
			return "", refused
		}
		return fmt.Sprintf("id-token-%d", n), nil
	}))
	for range 2 {
		if _, err := c.Status(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Status(context.Background()); !errors.Is(err, refused) {
		t.Errorf("err = %v, want the token source's", err)
	}
	if want := []string{"Bearer id-token-1", "Bearer id-token-2"}; !reflect.DeepEqual(auth, want) {
		t.Errorf("Authorization = %q, want %q", auth, want)
	}
}
