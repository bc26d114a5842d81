package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/wingman-dev/wingman/core/domain"
)

// Status returns the control plane's summary (GET /status).
func (c *Client) Status(ctx context.Context) (domain.Status, error) {
	var s domain.Status
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/status", out: &s, bounded: true}); err != nil {
		return s, wrap("get status", err)
	}
	return s, nil
}

// Whoami returns the principal the token acts as (GET /whoami).
func (c *Client) Whoami(ctx context.Context) (domain.Principal, error) {
	var p domain.Principal
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/whoami", out: &p, bounded: true}); err != nil {
		return p, wrap("whoami", err)
	}
	return p, nil
}

// ListFacts returns the facts that match f (GET /facts).
func (c *Client) ListFacts(ctx context.Context, f domain.FactFilter) ([]domain.Fact, error) {
	q := url.Values{}
	set(q, "worker", f.WorkerID)
	set(q, "type", f.Type)
	set(q, "name", f.Name)
	set(q, "status", f.Status)
	setInt(q, "limit", int64(f.Limit))
	var facts []domain.Fact
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/facts", query: q, out: &facts, bounded: true}); err != nil {
		return nil, wrap("list facts", err)
	}
	return nonNil(facts), nil
}

// ListIncidents returns the incidents that match f (GET /incidents).
func (c *Client) ListIncidents(ctx context.Context, f domain.IncidentFilter) ([]domain.Incident, error) {
	q := url.Values{}
	set(q, "state", string(f.State))
	set(q, "worker", f.WorkerID)
	setInt(q, "limit", int64(f.Limit))
	var incs []domain.Incident
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/incidents", query: q, out: &incs, bounded: true}); err != nil {
		return nil, wrap("list incidents", err)
	}
	return nonNil(incs), nil
}

// GetIncident returns one incident (GET /incidents/{id}).
func (c *Client) GetIncident(ctx context.Context, id string) (domain.Incident, error) {
	var inc domain.Incident
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/incidents/" + url.PathEscape(id), out: &inc, bounded: true}); err != nil {
		return inc, wrap("get incident "+id, err)
	}
	return inc, nil
}

// ListPlans returns the plans that match f (GET /plans).
func (c *Client) ListPlans(ctx context.Context, f domain.PlanFilter) ([]domain.Plan, error) {
	q := url.Values{}
	set(q, "status", string(f.Status))
	setInt(q, "limit", int64(f.Limit))
	var plans []domain.Plan
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/plans", query: q, out: &plans, bounded: true}); err != nil {
		return nil, wrap("list plans", err)
	}
	return nonNil(plans), nil
}

// GetPlan returns one plan with its approvals and tasks (GET /plans/{id}).
func (c *Client) GetPlan(ctx context.Context, id string) (domain.Plan, error) {
	var p domain.Plan
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/plans/" + url.PathEscape(id), out: &p, bounded: true}); err != nil {
		return p, wrap("get plan "+id, err)
	}
	return p, nil
}

// Audit returns one page of the audit log: at most limit events with Seq
// above after (GET /audit). A limit of 0 leaves the page size to the server.
func (c *Client) Audit(ctx context.Context, after int64, limit int) (domain.AuditPage, error) {
	q := url.Values{}
	setInt(q, "after", after)
	setInt(q, "limit", int64(limit))
	var page domain.AuditPage
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/audit", query: q, out: &page, bounded: true}); err != nil {
		return page, wrap(fmt.Sprintf("read audit log after %d", after), err)
	}
	page.Events = nonNil(page.Events)
	return page, nil
}

func set(q url.Values, key, v string) {
	if v != "" {
		q.Set(key, v)
	}
}

// setInt leaves zero out, because zero means "unset" in every filter.
func setInt(q url.Values, key string, v int64) {
	if v != 0 {
		q.Set(key, strconv.FormatInt(v, 10))
	}
}

// nonNil keeps an empty listing an empty list, so it prints as [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
