package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Ingest sends one envelope from a worker (POST /ingest). Sending the same
// envelope again is safe: the answer then says Duplicate.
func (c *Client) Ingest(ctx context.Context, env domain.Envelope) (domain.IngestResponse, error) {
	var r domain.IngestResponse
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/ingest", in: env, out: &r, bounded: true}); err != nil {
		return r, wrap(fmt.Sprintf("ingest %s envelope", env.PayloadType), err)
	}
	return r, nil
}

// IngestFile sends an envelope as the offline buffer stored it, byte for
// byte. backlog says it waited in the buffer (see domain.BacklogHeader).
func (c *Client) IngestFile(ctx context.Context, data []byte, backlog bool) (domain.IngestResponse, error) {
	var r domain.IngestResponse
	cl := call{method: http.MethodPost, path: "/ingest", raw: data, out: &r, bounded: true}
	if backlog {
		cl.header = http.Header{domain.BacklogHeader: {"1"}}
	}
	if _, err := c.do(ctx, cl); err != nil {
		return r, wrap("ingest buffered envelope", err)
	}
	return r, nil
}

// NextTask long-polls for the worker's next task (GET /worker/tasks),
// letting the server hold the request for up to wait. It returns nil, nil
// when no task arrived in time. Only ctx bounds the call, so give it a
// deadline longer than wait.
func (c *Client) NextTask(ctx context.Context, wait time.Duration) (*domain.WorkerTask, error) {
	var t domain.WorkerTask
	noContent, err := c.do(ctx, call{method: http.MethodGet, path: "/worker/tasks", query: taskQuery(wait, 0), out: &t})
	if err != nil {
		return nil, wrap("poll for task", err)
	}
	if noContent {
		return nil, nil
	}
	return &t, nil
}

// NextTasks long-polls as NextTask does for up to max tasks at once,
// oldest first; none when none arrived in time. A control plane older
// than batches ignores max and answers one task, which it has leased to
// the worker: that task is returned alone, never dropped.
func (c *Client) NextTasks(ctx context.Context, wait time.Duration, max int) ([]domain.WorkerTask, error) {
	var raw json.RawMessage
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/worker/tasks", query: taskQuery(wait, max), out: &raw}); err != nil {
		return nil, wrap("poll for tasks", err)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil, nil // 204: none
	}
	var ts []domain.WorkerTask
	var err error
	if raw[0] == '{' {
		ts = make([]domain.WorkerTask, 1)
		err = json.Unmarshal(raw, &ts[0])
	} else {
		err = json.Unmarshal(raw, &ts)
	}
	if err != nil {
		return nil, fmt.Errorf("poll for tasks: decode answer: %w", err)
	}
	return ts, nil
}

func taskQuery(wait time.Duration, max int) url.Values {
	q := url.Values{}
	if wait > 0 {
		q.Set("wait", wait.String())
	}
	if max > 0 {
		q.Set("max", strconv.Itoa(max))
	}
	return q
}

// IngestFiles sends envelopes as the offline buffer stored them, in one
// request (a line each), and returns what became of each, in order. An
// item's Error says the server refused that envelope; an error for the
// whole call means none was taken.
func (c *Client) IngestFiles(ctx context.Context, files [][]byte) ([]domain.IngestItem, error) {
	var body bytes.Buffer
	for _, f := range files {
		if bytes.IndexByte(f, '\n') >= 0 {
			// A compact envelope has no newline; one with newlines is sent
			// compacted, which keeps its meaning and its id.
			if err := json.Compact(&body, f); err != nil {
				return nil, fmt.Errorf("ingest batch: envelope is not JSON: %w", err)
			}
		} else {
			body.Write(f)
		}
		body.WriteByte('\n')
	}
	var r domain.IngestBatchResponse
	cl := call{method: http.MethodPost, path: "/ingest", raw: body.Bytes(), out: &r, bounded: true,
		header: http.Header{"Content-Type": {domain.NDJSON}}}
	if _, err := c.do(ctx, cl); err != nil {
		return nil, wrap(fmt.Sprintf("ingest %d envelopes", len(files)), err)
	}
	if len(r.Results) != len(files) {
		return nil, fmt.Errorf("ingest %d envelopes: the server answered for %d", len(files), len(r.Results))
	}
	return r.Results, nil
}
