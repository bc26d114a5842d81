package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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
	q := url.Values{}
	if wait > 0 {
		q.Set("wait", wait.String())
	}
	var t domain.WorkerTask
	noContent, err := c.do(ctx, call{method: http.MethodGet, path: "/worker/tasks", query: q, out: &t})
	if err != nil {
		return nil, wrap("poll for task", err)
	}
	if noContent {
		return nil, nil
	}
	return &t, nil
}
