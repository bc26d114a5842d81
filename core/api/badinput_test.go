package api_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// TestBadInputChangesNothing sends every kind of bad request a worker or a
// script can make and checks each gets its 4xx, a message that says what
// is wrong, and leaves the store as it was.
func TestBadInputChangesNothing(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, "")
			w1 := e.worker("w1")
			e.worker("w2")
			viewer := e.token("vera", domain.RoleViewer)
			revoked := e.token("rex", domain.RoleOperator)
			var tokens []domain.Token
			e.must(200, "GET", "/api/v1/tokens", e.admin, nil, &tokens)
			for _, tk := range tokens {
				if tk.Name == "rex" {
					e.must(204, "DELETE", "/api/v1/tokens/"+tk.ID, e.admin, nil, nil)
				}
			}
			var expiring domain.CreatedToken
			e.must(201, "POST", "/api/v1/tokens", e.admin, domain.CreateTokenRequest{Name: "eve", Role: domain.RoleAdmin, ExpiresIn: "1ms"}, &expiring)
			time.Sleep(5 * time.Millisecond)

			good := crashed("w1", "web", time.Now().UTC())
			goodJSON, _ := json.Marshal(good)
			withField := func(field string) string {
				var m map[string]any
				_ = json.Unmarshal(goodJSON, &m)
				m[field] = "x"
				b, _ := json.Marshal(m)
				return string(b)
			}
			logs := func(payload string) domain.Envelope {
				env := good
				env.PayloadType, env.Payload = domain.PayloadLogs, json.RawMessage(payload)
				return env
			}
			other := good
			other.WorkerID = "w2"
			badHealth := good
			badHealth.PayloadType, badHealth.Payload = domain.PayloadHealth, json.RawMessage(`{"status":"unreachable"}`)
			unknownType := good
			unknownType.PayloadType = "metrics"
			badFact := good
			badFact.Payload = json.RawMessage(`{"facts":[{"type":"container","name":"web","status":"exited","colour":"red"}]}`)
			noName := good
			noName.Payload = json.RawMessage(`{"facts":[{"type":"container","status":"exited"}]}`)
			huge := strings.Repeat(" ", 70<<10) + string(goodJSON)

			before := e.counts()
			tests := []struct {
				name, method, path, token string
				body                      any
				status                    int
				code, msg                 string
			}{
				{"malformed JSON", "POST", "/api/v1/ingest", w1, `{"worker_id": "w1",`, 400, domain.CodeInvalid, "cut short"},
				{"not JSON", "POST", "/api/v1/ingest", w1, `hello`, 400, domain.CodeInvalid, "malformed JSON"},
				{"oversized body", "POST", "/api/v1/ingest", w1, huge, 413, domain.CodeTooLarge, "larger than 65536 bytes"},
				{"unknown envelope field", "POST", "/api/v1/ingest", w1, withField("colour"), 400, domain.CodeInvalid, `unknown field "colour"`},
				{"unknown fact field", "POST", "/api/v1/ingest", w1, badFact, 400, domain.CodeInvalid, `unknown field "colour"`},
				{"fact without name", "POST", "/api/v1/ingest", w1, noName, 400, domain.CodeInvalid, "facts[0].name"},
				{"unknown payload type", "POST", "/api/v1/ingest", w1, unknownType, 400, domain.CodeInvalid, `"metrics" is not one of`},
				{"worker claims a status it cannot", "POST", "/api/v1/ingest", w1, badHealth, 400, domain.CodeInvalid, `"unreachable" is not healthy or degraded`},
				{"raw log lines", "POST", "/api/v1/ingest", w1, logs(`{"lines":["GET / 200"]}`), 400, domain.CodeInvalid, "raw log lines never leave the site"},
				{"long log sample", "POST", "/api/v1/ingest", w1, logs(`{"summaries":[{"source":"app","from":"2026-01-01T00:00:00Z","to":"2026-01-01T00:01:00Z","levels":{"info":1},"samples":[{"level":"info","text":"` + strings.Repeat("a", 2000) + `"}]}]}`), 400, domain.CodeInvalid, "longer than 1024 bytes"},
				{"another worker's id", "POST", "/api/v1/ingest", w1, other, 403, domain.CodeForbidden, `belongs to worker "w1", not "w2"`},
				{"user token ingesting", "POST", "/api/v1/ingest", e.admin, good, 403, domain.CodeForbidden, "only a worker token"},
				{"no token", "POST", "/api/v1/ingest", "", good, 401, domain.CodeUnauthenticated, "no token"},
				{"forged token", "POST", "/api/v1/ingest", "wmw_" + strings.Repeat("a", 32), good, 401, domain.CodeUnauthenticated, "unknown token"},
				{"forged API token", "GET", "/api/v1/plans", "wm_" + strings.Repeat("b", 32), nil, 401, domain.CodeUnauthenticated, "unknown token"},
				{"garbage token", "GET", "/api/v1/plans", "hunter2", nil, 401, domain.CodeUnauthenticated, "unknown token"},
				{"revoked token", "GET", "/api/v1/plans", revoked, nil, 401, domain.CodeUnauthenticated, "was revoked"},
				{"expired token", "GET", "/api/v1/plans", expiring.Secret, nil, 401, domain.CodeUnauthenticated, "expired at"},
				{"worker token reading plans", "GET", "/api/v1/plans", w1, nil, 403, domain.CodeForbidden, "worker token cannot"},
				{"viewer creating a token", "POST", "/api/v1/tokens", viewer, domain.CreateTokenRequest{Name: "x", Role: domain.RoleAdmin}, 403, domain.CodeForbidden, "needs the admin role"},
				{"bad role", "POST", "/api/v1/tokens", e.admin, domain.CreateTokenRequest{Name: "x", Role: "root"}, 400, domain.CodeInvalid, `"root" is not one of`},
				{"bad worker id", "POST", "/api/v1/workers", e.admin, domain.CreateWorkerRequest{ID: "a b/c", SiteName: "A"}, 400, domain.CodeInvalid, "may hold only"},
				{"duplicate worker", "POST", "/api/v1/workers", e.admin, domain.CreateWorkerRequest{ID: "w1", SiteName: "A"}, 409, domain.CodeConflict, "already exists"},
				{"unknown field in approve", "POST", "/api/v1/plans/pl-0000/approve", e.admin, `{"comment":"ok","force":true}`, 400, domain.CodeInvalid, `unknown field "force"`},
				{"bad limit", "GET", "/api/v1/facts?limit=many", viewer, nil, 400, domain.CodeInvalid, "not a whole number"},
				{"bad wait", "GET", "/api/v1/worker/tasks?wait=forever", w1, nil, 400, domain.CodeInvalid, "Go duration"},
				{"no such endpoint", "GET", "/api/v1/nope", viewer, nil, 404, domain.CodeNotFound, "no endpoint"},
			}
			for _, tt := range tests {
				status, apiErr := e.call(tt.method, tt.path, tt.token, tt.body, nil)
				if status != tt.status || apiErr.Code != tt.code || !strings.Contains(apiErr.Message, tt.msg) {
					t.Errorf("%s: got %d %s %q; want %d %s containing %q", tt.name, status, apiErr.Code, apiErr.Message, tt.status, tt.code, tt.msg)
				}
			}
			if after := e.counts(); after != before {
				t.Fatalf("refused requests changed the store: facts/plans/audit %v -> %v", before, after)
			}
			var page domain.AuditPage
			e.must(200, "GET", "/api/v1/audit", e.admin, nil, &page)
			refusals := map[string]bool{}
			for _, ev := range page.Events {
				if ev.Outcome == domain.OutcomeRefused {
					refusals[ev.Action+" by "+ev.ActorName] = true
				}
			}
			for _, want := range []string{"ingest by w1", "token.create by vera"} {
				if !refusals[want] {
					t.Errorf("no audited refusal %q in %v", want, refusals)
				}
			}
			// The good envelope still goes through afterwards: nothing was
			// half-stored or marked as seen by the refusals.
			var resp domain.IngestResponse
			e.must(202, "POST", "/api/v1/ingest", w1, good, &resp)
			if resp.Duplicate || resp.Accepted != 1 {
				t.Fatalf("good envelope after refusals = %+v", resp)
			}
		})
	}
}

func TestIngestIsIdempotent(t *testing.T) {
	for _, kind := range stores {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, kind, "")
			w1 := e.worker("w1")
			env := crashed("w1", "web", time.Now().UTC())
			var first, second domain.IngestResponse
			e.must(202, "POST", "/api/v1/ingest", w1, env, &first)
			before := e.counts()
			e.must(200, "POST", "/api/v1/ingest", w1, env, &second)
			if !second.Duplicate || second.ID != first.ID || first.Duplicate {
				t.Fatalf("first %+v, second %+v: want the second marked duplicate with the same id", first, second)
			}
			if after := e.counts(); after != before {
				t.Fatalf("a duplicate envelope changed the store: %v -> %v", before, after)
			}
			// An explicit id is honoured even when the content differs.
			env.ID = "fixed-1"
			e.must(202, "POST", "/api/v1/ingest", w1, env, nil)
			env.Timestamp = env.Timestamp.Add(time.Second)
			e.must(200, "POST", "/api/v1/ingest", w1, env, &second)
			if !second.Duplicate {
				t.Fatal("same explicit id not treated as a duplicate")
			}
		})
	}
}
