package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/daemon"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/storetest"
)

// env is a wingmand served in-process over real HTTP, on a real store.
type env struct {
	t     testing.TB
	url   string
	d     *daemon.Daemon
	admin string
	cfg   config.Daemon
}

// stores lists the stores every API test runs on.
var stores = []string{"sqlite", "postgres"}

func newEnv(t testing.TB, kind string, policyYAML string, opts ...daemon.Option) *env {
	t.Helper()
	cfg := config.DefaultDaemon(func(string) string { return "" })
	cfg.DataDir = t.TempDir()
	if kind == "postgres" {
		cfg.DatabaseURL = storetest.PostgresURL(t)
	}
	if policyYAML != "" {
		cfg.PolicyFile = cfg.DataDir + "/policy.yaml"
		if err := os.WriteFile(cfg.PolicyFile, []byte(policyYAML), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg.MaxBodyBytes = 64 << 10
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	d, err := daemon.New(context.Background(), cfg, log, "test", opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	path, err := d.Bootstrap(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler())
	t.Cleanup(srv.Close)
	return &env{t: t, url: srv.URL, d: d, admin: strings.TrimSpace(string(tok)), cfg: cfg}
}

// call sends a request and decodes the answer into out (when not nil).
func (e *env) call(method, path, token string, body any, out any) (int, domain.APIError) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 {
		var eb domain.ErrorBody
		if err := json.Unmarshal(raw, &eb); err != nil {
			e.t.Fatalf("%s %s: %d with a body that is not an ErrorBody: %s", method, path, resp.StatusCode, raw)
		}
		return resp.StatusCode, eb.Error
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return resp.StatusCode, domain.APIError{}
}

// must is call that fails the test unless the status is want.
func (e *env) must(want int, method, path, token string, body, out any) {
	e.t.Helper()
	if got, apiErr := e.call(method, path, token, body, out); got != want {
		e.t.Fatalf("%s %s = %d %+v, want %d", method, path, got, apiErr, want)
	}
}

func (e *env) token(name string, role domain.Role) string {
	var ct domain.CreatedToken
	e.must(201, "POST", "/api/v1/tokens", e.admin, domain.CreateTokenRequest{Name: name, Role: role}, &ct)
	return ct.Secret
}

func (e *env) worker(id string) string {
	var cw domain.CreatedWorker
	e.must(201, "POST", "/api/v1/workers", e.admin, domain.CreateWorkerRequest{ID: id, SiteName: "Site A"}, &cw)
	return cw.Secret
}

// crashed is a facts envelope for a container that exited with code 1.
func crashed(worker, name string, at time.Time) domain.Envelope {
	payload, _ := json.Marshal(domain.FactsPayload{Facts: []domain.WireFact{{
		Type: "container", Name: name, Status: "exited",
		Attrs: map[string]any{"image": "nginx:1.25", "exit_code": 1, "restart_count": 0},
	}}})
	return domain.Envelope{WorkerID: worker, SiteName: "Site A", Timestamp: at, PayloadType: domain.PayloadFacts, Payload: payload}
}

// counts reads what the store holds, to show that a refused request
// changed nothing: facts, plans, and audit events of things that happened.
func (e *env) counts() [3]int {
	var c [3]int
	err := e.d.Store().View(context.Background(), func(tx store.Tx) error {
		f, err := tx.ListFacts(domain.FactFilter{})
		if err != nil {
			return err
		}
		p, err := tx.ListPlans(domain.PlanFilter{})
		if err != nil {
			return err
		}
		a, err := tx.ListAudit(0, 1000)
		ok := 0
		for _, ev := range a {
			if ev.Outcome == domain.OutcomeOK {
				ok++ // refusals are recorded by design; nothing else may be
			}
		}
		c = [3]int{len(f), len(p), ok}
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}
