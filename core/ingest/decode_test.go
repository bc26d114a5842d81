package ingest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// body is an envelope with the given fields, spelt out so that each test
// row shows exactly what was sent.
func body(fields ...string) []byte {
	return []byte("{" + strings.Join(fields, ",") + "}")
}

const (
	fWorker  = `"worker_id": "w1"`
	fSite    = `"site_name": "Site A"`
	fTime    = `"timestamp": "2026-03-14T09:30:00Z"`
	fType    = `"payload_type": "facts"`
	fPayload = `"payload": {"facts": [{"type": "container", "name": "web", "status": "running"}]}`
)

func TestDecodeRefuses(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		body []byte
		want string // the whole message, before ": invalid request"
	}{
		{"empty body", nil, "envelope: the body is empty or cut short"},
		{"only whitespace", []byte(" \n\t"), "envelope: the body is empty or cut short"},
		{"cut short", []byte(`{"worker_id": "w1", "times`), "envelope: the body is empty or cut short"},
		{"malformed", []byte(`{"worker_id" "w1"}`), `envelope: malformed JSON at byte 14: invalid character '"' after object key`},
		{"not an object", []byte(`[]`), `envelope: field "" must be domain.Envelope, not array`},
		{"worker_id a number", body(`"worker_id": 5`, fTime, fType, fPayload), `envelope: field "worker_id" must be string, not number`},
		{"missing worker_id", body(fSite, fTime, fType, fPayload), "envelope: worker_id is required"},
		{"empty worker_id", body(`"worker_id": ""`, fTime, fType, fPayload), "envelope: worker_id is required"},
		{"missing timestamp", body(fWorker, fType, fPayload), "envelope: timestamp is required (RFC 3339, e.g. 2024-01-15T10:30:00Z)"},
		{"zero timestamp", body(fWorker, `"timestamp": "0001-01-01T00:00:00Z"`, fType, fPayload), "envelope: timestamp is required (RFC 3339, e.g. 2024-01-15T10:30:00Z)"},
		{"timestamp not RFC 3339", body(fWorker, `"timestamp": "yesterday"`, fType, fPayload), `envelope: parsing time "yesterday"`},
		{"missing payload", body(fWorker, fTime, fType), "envelope: payload is required"},
		{"null payload", body(fWorker, fTime, fType, `"payload": null`), "envelope: payload is required"},
		{"missing payload_type", body(fWorker, fTime, fPayload), `envelope: payload_type "" is not one of facts, logs, execution_result, health`},
		{"unknown payload_type", body(fWorker, fTime, `"payload_type": "metrics"`, fPayload), `envelope: payload_type "metrics" is not one of facts, logs, execution_result, health`},
		{"payload_type case", body(fWorker, fTime, `"payload_type": "Facts"`, fPayload), `envelope: payload_type "Facts" is not one of`},
		{"unknown field", body(fWorker, fTime, fType, fPayload, `"priority": 1`), `envelope: unknown field "priority" (the envelope is versioned by adding fields the control plane knows; upgrade wingmand first)`},
		{"trailing object", append(body(fWorker, fTime, fType, fPayload), "{}"...), "envelope: unexpected data after the JSON value"},
		{"trailing garbage", append(body(fWorker, fTime, fType, fPayload), " x"...), "envelope: unexpected data after the JSON value"},
		{"id too long", body(`"id": "`+strings.Repeat("a", 129)+`"`, fWorker, fTime, fType, fPayload), "envelope: id is longer than 128 characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Decode(tt.body)
			if err == nil {
				t.Fatalf("Decode(%s) = nil error, want %q", tt.body, tt.want)
			}
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("err %v does not wrap domain.ErrInvalid", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %q\nwant it to start %q", err, tt.want)
			}
		})
	}
}

func TestDecodeAccepts(t *testing.T) {
	t.Parallel()
	at := time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name   string
		body   []byte
		wantID string // "" means derived
		typ    domain.PayloadType
	}{
		{"facts", body(fWorker, fSite, fTime, fType, fPayload), "", domain.PayloadFacts},
		{"logs", body(fWorker, fTime, `"payload_type": "logs"`, `"payload": {"summaries": []}`), "", domain.PayloadLogs},
		{"health", body(fWorker, fTime, `"payload_type": "health"`, `"payload": {"status": "healthy"}`), "", domain.PayloadHealth},
		{"execution_result", body(fWorker, fTime, `"payload_type": "execution_result"`, `"payload": {"task_id": "t1"}`), "", domain.PayloadExecutionResult},
		{"own id kept", body(`"id": "env-42"`, fWorker, fTime, fType, fPayload), "env-42", domain.PayloadFacts},
		{"id of 128 characters", body(`"id": "`+strings.Repeat("b", 128)+`"`, fWorker, fTime, fType, fPayload), strings.Repeat("b", 128), domain.PayloadFacts},
		{"empty id derived", body(`"id": ""`, fWorker, fTime, fType, fPayload), "", domain.PayloadFacts},
		{"no site name", body(fWorker, fTime, fType, fPayload), "", domain.PayloadFacts},
		{"trailing whitespace", append(body(fWorker, fTime, fType, fPayload), " \n\n"...), "", domain.PayloadFacts},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			env, err := Decode(tt.body)
			if err != nil {
				t.Fatalf("Decode(%s): %v", tt.body, err)
			}
			if env.WorkerID != "w1" || !env.Timestamp.Equal(at) || env.PayloadType != tt.typ || len(env.Payload) == 0 {
				t.Errorf("envelope = %+v", env)
			}
			if tt.wantID != "" {
				if env.ID != tt.wantID {
					t.Errorf("id = %q, want %q", env.ID, tt.wantID)
				}
				return
			}
			if !strings.HasPrefix(env.ID, "sha256:") || len(env.ID) != len("sha256:")+64 {
				t.Errorf("derived id %q, want sha256: and 64 hex digits", env.ID)
			}
			if _, err := hex.DecodeString(strings.TrimPrefix(env.ID, "sha256:")); err != nil {
				t.Errorf("derived id %q is not hex: %v", env.ID, err)
			}
		})
	}

	env, err := Decode(body(fWorker, fSite, fTime, fType, fPayload))
	if err != nil {
		t.Fatal(err)
	}
	if env.SiteName != "Site A" {
		t.Errorf("site name %q", env.SiteName)
	}
	if got, want := string(env.Payload), `{"facts": [{"type": "container", "name": "web", "status": "running"}]}`; got != want {
		t.Errorf("payload = %s, want the bytes as sent %s", got, want)
	}
}

// decodeID decodes an envelope and returns its id.
func decodeID(t *testing.T, b string) string {
	t.Helper()
	env, err := Decode([]byte(b))
	if err != nil {
		t.Fatalf("Decode(%s): %v", b, err)
	}
	return env.ID
}

func TestDerivedIDStable(t *testing.T) {
	t.Parallel()
	base := `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T09:30:00Z","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}}`
	want := decodeID(t, base)

	// The id is pinned: a worker's offline buffer resent after an upgrade
	// of the control plane must still be recognised.
	h := sha256.Sum256([]byte("w1\x00facts\x002026-03-14T09:30:00Z\x00" +
		`{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}`))
	if pinned := "sha256:" + hex.EncodeToString(h[:]); want != pinned {
		t.Errorf("derived id %s, want %s", want, pinned)
	}

	same := map[string]string{
		"payload reindented": `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T09:30:00Z","payload_type":"facts","payload":
			{ "facts" : [ { "type" : "container",
			  "name" : "web", "status" : "running", "attrs" : { "restart_count" : 0 } } ] }
		}`,
		"envelope reformatted": "{\n  \"payload_type\": \"facts\",\n  \"worker_id\": \"w1\",\n  \"timestamp\": \"2026-03-14T09:30:00Z\",\n  \"site_name\": \"Site A\",\n" +
			`  "payload": {"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}` + "\n}\n",
		"same instant in another zone": `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T11:30:00+02:00","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}}`,
		"other site name":              `{"worker_id":"w1","site_name":"Site B","timestamp":"2026-03-14T09:30:00Z","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}}`,
	}
	for name, b := range same {
		if got := decodeID(t, b); got != want {
			t.Errorf("%s: id %s, want %s", name, got, want)
		}
	}

	different := map[string]string{
		"other status":       `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T09:30:00Z","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web","status":"exited","attrs":{"restart_count":0}}]}}`,
		"other attr value":   `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T09:30:00Z","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":1}}]}}`,
		"space inside value": `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T09:30:00Z","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web ","status":"running","attrs":{"restart_count":0}}]}}`,
		"other worker":       `{"worker_id":"w2","site_name":"Site A","timestamp":"2026-03-14T09:30:00Z","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}}`,
		"other time":         `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T09:30:00.001Z","payload_type":"facts","payload":{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}}`,
		"other payload type": `{"worker_id":"w1","site_name":"Site A","timestamp":"2026-03-14T09:30:00Z","payload_type":"logs","payload":{"facts":[{"type":"container","name":"web","status":"running","attrs":{"restart_count":0}}]}}`,
	}
	seen := map[string]string{want: "base"}
	for name, b := range different {
		got := decodeID(t, b)
		if prev, ok := seen[got]; ok {
			t.Errorf("%s: id %s is the same as %s's", name, got, prev)
		}
		seen[got] = name
	}

	// The id keeps the worker and payload type apart: "w1" + "facts" must
	// not collide with "w1\x00f" + "acts" and the like.
	a := deriveID(domain.Envelope{WorkerID: "ab", PayloadType: "c", Payload: json.RawMessage(`{}`)})
	b := deriveID(domain.Envelope{WorkerID: "a", PayloadType: "bc", Payload: json.RawMessage(`{}`)})
	if a == b {
		t.Errorf("worker ab type c and worker a type bc share id %s", a)
	}
}

// facts is a facts envelope around the given payload.
func facts(payload string) domain.Envelope {
	return domain.Envelope{WorkerID: "w1", SiteName: "Site A", PayloadType: domain.PayloadFacts,
		Timestamp: time.Date(2026, 3, 14, 9, 30, 0, 0, time.FixedZone("CET", 3600)), Payload: json.RawMessage(payload)}
}

// manyFacts is a facts payload of n valid facts.
func manyFacts(n int) string {
	var b strings.Builder
	b.WriteString(`{"facts":[`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"type":"container","name":"c%d","status":"running"}`, i)
	}
	b.WriteString(`]}`)
	return b.String()
}

func fact(typ, name, status string) string {
	return fmt.Sprintf(`{"type":%q,"name":%q,"status":%q}`, typ, name, status)
}

func TestDecodeFactsRefuses(t *testing.T) {
	t.Parallel()
	ok := fact("container", "web", "running")
	tests := []struct {
		name    string
		payload string
		want    string
		tooBig  bool
	}{
		{"malformed", `{"facts": [}`, "facts payload: malformed JSON at byte 12", false},
		{"unknown field", `{"facts": [], "more": true}`, `facts payload: unknown field "more"`, false},
		{"unknown fact field", `{"facts": [{"type":"container","name":"web","status":"running","color":"red"}]}`, `facts payload: unknown field "color"`, false},
		{"trailing data", `{"facts": []} {}`, "facts payload: unexpected data after the JSON value", false},
		{"facts not a list", `{"facts": {}}`, `facts payload: field "facts" must be []domain.WireFact, not object`, false},
		{"upper-case type", `{"facts": [` + fact("Container", "web", "running") + `]}`, `facts[0].type "Container" must be a lower-case word such as container, vm, host or service`, false},
		{"empty type", `{"facts": [` + ok + `,` + fact("", "web", "running") + `]}`, `facts[1].type "" must be a lower-case word`, false},
		{"type starts with a digit", `{"facts": [` + fact("9lives", "web", "running") + `]}`, `facts[0].type "9lives" must be a lower-case word`, false},
		{"type with a space", `{"facts": [` + fact("docker container", "web", "running") + `]}`, `facts[0].type "docker container" must be a lower-case word`, false},
		{"type too long", `{"facts": [` + fact("a"+strings.Repeat("b", 32), "web", "running") + `]}`, `facts[0].type "a` + strings.Repeat("b", 32) + `" must be a lower-case word`, false},
		{"missing name", `{"facts": [` + ok + `,` + ok + `,{"type":"container","status":"running"}]}`, "facts[2].name must be 1 to 256 characters", false},
		{"name too long", `{"facts": [` + fact("container", strings.Repeat("n", 257), "running") + `]}`, "facts[0].name must be 1 to 256 characters", false},
		{"missing status", `{"facts": [{"type":"container","name":"web"}]}`, "facts[0].status must be 1 to 64 characters (the adapter's own word: running, exited…)", false},
		{"status too long", `{"facts": [` + fact("container", "web", strings.Repeat("s", 65)) + `]}`, "facts[0].status must be 1 to 64 characters", false},
		{"too many facts", manyFacts(MaxFacts + 1), "facts payload: 10001 facts, at most 10000 per envelope", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeFacts(facts(tt.payload))
			if err == nil {
				t.Fatalf("decodeFacts = %d facts, nil error; want %q", len(got), tt.want)
			}
			if got != nil {
				t.Errorf("decodeFacts returned %d facts with its error", len(got))
			}
			wantErr := domain.ErrInvalid
			if tt.tooBig {
				wantErr = domain.ErrTooLarge
			}
			if !errors.Is(err, wantErr) {
				t.Errorf("err %v does not wrap %v", err, wantErr)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("err = %q\nwant it to start %q", err, tt.want)
			}
		})
	}
}

func TestDecodeFactsAccepts(t *testing.T) {
	t.Parallel()
	own := time.Date(2026, 3, 14, 9, 0, 0, 0, time.FixedZone("EST", -5*3600))
	longType := "a" + strings.Repeat("b", 31) // the longest type word
	env := facts(`{"facts": [
		{"type": "container", "name": "web", "status": "exited", "attrs": {"exit_code": 1, "image": "nginx:1.25"}},
		{"type": "vm", "name": "` + strings.Repeat("n", 256) + `", "status": "` + strings.Repeat("s", 64) + `", "observed_at": "` + own.Format(time.RFC3339) + `"},
		{"type": "a0_.-", "name": "x", "status": "y"},
		{"type": "` + longType + `", "name": "x", "status": "y"}
	]}`)
	got, err := decodeFacts(env)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 {
		t.Fatalf("%d facts, want 4", len(got))
	}
	envAt := env.Timestamp.UTC()
	want := []domain.Fact{
		{WorkerID: "w1", SiteName: "Site A", Type: "container", Name: "web", Status: "exited",
			Attrs: map[string]any{"exit_code": float64(1), "image": "nginx:1.25"}, ObservedAt: envAt},
		{WorkerID: "w1", SiteName: "Site A", Type: "vm", Name: strings.Repeat("n", 256), Status: strings.Repeat("s", 64), ObservedAt: own.UTC()},
		{WorkerID: "w1", SiteName: "Site A", Type: "a0_.-", Name: "x", Status: "y", ObservedAt: envAt},
		{WorkerID: "w1", SiteName: "Site A", Type: longType, Name: "x", Status: "y", ObservedAt: envAt},
	}
	for i := range want {
		g, w := got[i], want[i]
		if g.WorkerID != w.WorkerID || g.SiteName != w.SiteName || g.Type != w.Type || g.Name != w.Name || g.Status != w.Status {
			t.Errorf("fact %d = %+v, want %+v", i, g, w)
		}
		if !g.ObservedAt.Equal(w.ObservedAt) || g.ObservedAt.Location() != time.UTC {
			t.Errorf("fact %d observed at %v, want %v in UTC", i, g.ObservedAt, w.ObservedAt)
		}
		if fmt.Sprint(g.Attrs) != fmt.Sprint(w.Attrs) {
			t.Errorf("fact %d attrs %#v, want %#v", i, g.Attrs, w.Attrs)
		}
	}
	if code, ok := got[0].IntAttr("exit_code"); !ok || code != 1 {
		t.Errorf("exit_code = %d, %v", code, ok)
	}

	// Exactly MaxFacts, and none at all, are fine.
	if got, err := decodeFacts(facts(manyFacts(MaxFacts))); err != nil || len(got) != MaxFacts {
		t.Errorf("MaxFacts facts: %d, %v", len(got), err)
	}
	if got, err := decodeFacts(facts(`{"facts": []}`)); err != nil || len(got) != 0 {
		t.Errorf("no facts: %d, %v", len(got), err)
	}
}

// logs is a logs envelope around the given payload.
func logs(payload string) domain.Envelope {
	return domain.Envelope{WorkerID: "w1", PayloadType: domain.PayloadLogs,
		Timestamp: time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC), Payload: json.RawMessage(payload)}
}

// summary is one log summary with n samples of sampleLen bytes and t templates.
func summary(source string, n, sampleLen, templates int) string {
	s := map[string]any{"source": source, "from": "2026-03-14T09:00:00Z", "to": "2026-03-14T09:30:00Z",
		"levels": map[string]int{"error": 3, "info": 40}}
	var samples []map[string]string
	for range n {
		samples = append(samples, map[string]string{"level": "error", "text": strings.Repeat("x", sampleLen)})
	}
	if samples != nil {
		s["samples"] = samples
	}
	var tpls []map[string]any
	for i := range templates {
		tpls = append(tpls, map[string]any{"template": fmt.Sprintf("connection to <ip> failed %d", i), "count": 2})
	}
	if tpls != nil {
		s["templates"] = tpls
	}
	b, _ := json.Marshal(s)
	return string(b)
}

func summaries(parts ...string) string {
	return `{"summaries": [` + strings.Join(parts, ",") + `]}`
}

func TestDecodeLogsRefuses(t *testing.T) {
	t.Parallel()
	ok := summary("nginx", 1, 10, 1)
	many := make([]string, MaxSummaries+1)
	for i := range many {
		many[i] = ok
	}
	tests := []struct {
		name    string
		payload string
		want    []string // fragments, in order
		raw     bool     // the message says raw lines never leave the site
	}{
		{"raw lines", `{"lines": ["GET /login 200 user=bob password=hunter2"]}`,
			[]string{errRawLogs + ": logs payload: unknown field \"lines\""}, true},
		{"raw lines beside summaries", `{"summaries": [` + ok + `], "raw": "Mar 14 kernel: oops"}`,
			[]string{errRawLogs + ": logs payload: unknown field \"raw\""}, true},
		{"raw line inside a summary", `{"summaries": [{"source": "nginx", "lines": ["GET /"]}]}`,
			[]string{errRawLogs + ": logs payload: unknown field \"lines\""}, true},
		{"sample too long", summaries(ok, summary("app", 2, MaxSampleLength+1, 0)),
			[]string{"summaries[1].samples[0] is longer than 1024 bytes; ", errRawLogs}, true},
		{"too many samples", summaries(summary("app", MaxSamples+1, 10, 0)),
			[]string{"summaries[0]: at most 20 samples and 500 templates; ", errRawLogs}, true},
		{"too many templates", summaries(summary("app", 0, 0, MaxTemplates+1)),
			[]string{"summaries[0]: at most 20 samples and 500 templates; ", errRawLogs}, true},
		{"missing source", summaries(ok, summary("", 0, 0, 0)),
			[]string{"summaries[1].source is required"}, false},
		{"no summaries", `{"summaries": []}`, []string{"logs payload: 1 to 100 summaries"}, false},
		{"empty payload object", `{}`, []string{"logs payload: 1 to 100 summaries"}, false},
		{"too many summaries", summaries(many...), []string{"logs payload: 1 to 100 summaries"}, false},
		{"malformed", `{"summaries": [`, []string{"logs payload: the body is empty or cut short"}, false},
		{"levels not counts", `{"summaries": [{"source": "nginx", "levels": {"error": "many"}}]}`,
			[]string{`logs payload: field "summaries.levels" must be int, not string`}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeLogs(logs(tt.payload))
			if err == nil {
				t.Fatalf("decodeLogs = %d summaries, nil error; want %q", len(got), tt.want)
			}
			if got != nil {
				t.Errorf("decodeLogs returned %d summaries with its error", len(got))
			}
			if !errors.Is(err, domain.ErrInvalid) {
				t.Errorf("err %v does not wrap domain.ErrInvalid", err)
			}
			msg := err.Error()
			rest := msg
			for _, frag := range tt.want {
				i := strings.Index(rest, frag)
				if i < 0 {
					t.Fatalf("err = %q\nwant it to contain %q (fragments in order: %q)", msg, frag, tt.want)
				}
				rest = rest[i+len(frag):]
			}
			if has := strings.Contains(msg, "raw log lines never leave the site"); has != tt.raw {
				t.Errorf("err = %q; mentions raw log lines: %v, want %v", msg, has, tt.raw)
			}
		})
	}
}

func TestDecodeLogsAccepts(t *testing.T) {
	t.Parallel()
	edge := summary("app", MaxSamples, MaxSampleLength, MaxTemplates)
	got, err := decodeLogs(logs(summaries(summary("nginx", 1, 10, 1), edge)))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d summaries, want 2", len(got))
	}
	s := got[0]
	if s.Source != "nginx" || s.Levels["error"] != 3 || s.Levels["info"] != 40 ||
		!s.From.Equal(time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)) || !s.To.Equal(time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)) ||
		len(s.Samples) != 1 || s.Samples[0] != (domain.RedactedSample{Level: "error", Text: "xxxxxxxxxx"}) ||
		len(s.Templates) != 1 || s.Templates[0] != (domain.LogTemplate{Template: "connection to <ip> failed 0", Count: 2}) {
		t.Errorf("summary = %+v", s)
	}
	if e := got[1]; e.Source != "app" || len(e.Samples) != MaxSamples || len(e.Templates) != MaxTemplates || len(e.Samples[0].Text) != MaxSampleLength {
		t.Errorf("summary at the limits: source %q, %d samples, %d templates", e.Source, len(e.Samples), len(e.Templates))
	}

	full := make([]string, MaxSummaries)
	for i := range full {
		full[i] = summary(fmt.Sprintf("s%d", i), 0, 0, 0)
	}
	if got, err := decodeLogs(logs(summaries(full...))); err != nil || len(got) != MaxSummaries {
		t.Errorf("MaxSummaries summaries: %d, %v", len(got), err)
	}
}
