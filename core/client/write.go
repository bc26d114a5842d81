package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/wingman-dev/wingman/core/domain"
)

// Approve records the caller's approval of a plan (POST /plans/{id}/approve).
// The answer says whether the plan is now approved or still needs approvers.
func (c *Client) Approve(ctx context.Context, id, comment string) (domain.DecisionResponse, error) {
	var d domain.DecisionResponse
	in := domain.ApproveRequest{Comment: comment}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/plans/" + url.PathEscape(id) + "/approve", in: in, out: &d, bounded: true}); err != nil {
		return d, wrap("approve "+id, err)
	}
	return d, nil
}

// Reject records the caller's rejection of a plan (POST /plans/{id}/reject).
func (c *Client) Reject(ctx context.Context, id, reason string) (domain.DecisionResponse, error) {
	var d domain.DecisionResponse
	in := domain.RejectRequest{Reason: reason}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/plans/" + url.PathEscape(id) + "/reject", in: in, out: &d, bounded: true}); err != nil {
		return d, wrap("reject "+id, err)
	}
	return d, nil
}

// ListWorkers returns every registered worker (GET /workers).
func (c *Client) ListWorkers(ctx context.Context) ([]domain.Worker, error) {
	var ws []domain.Worker
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/workers", out: &ws, bounded: true}); err != nil {
		return nil, wrap("list workers", err)
	}
	return nonNil(ws), nil
}

// CreateWorker registers a worker at a site (POST /workers). The answer
// carries the worker's token, which the server never shows again.
func (c *Client) CreateWorker(ctx context.Context, id, site string) (domain.CreatedWorker, error) {
	var w domain.CreatedWorker
	in := domain.CreateWorkerRequest{ID: id, SiteName: site}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/workers", in: in, out: &w, bounded: true}); err != nil {
		return w, wrap("create worker "+id, err)
	}
	return w, nil
}

// DeleteWorker removes a worker and revokes its token (DELETE /workers/{id}).
func (c *Client) DeleteWorker(ctx context.Context, id string) error {
	if _, err := c.do(ctx, call{method: http.MethodDelete, path: "/workers/" + url.PathEscape(id), bounded: true}); err != nil {
		return wrap("delete worker "+id, err)
	}
	return nil
}

// ListTokens returns every API and worker token, without secrets
// (GET /tokens).
func (c *Client) ListTokens(ctx context.Context) ([]domain.Token, error) {
	var ts []domain.Token
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/tokens", out: &ts, bounded: true}); err != nil {
		return nil, wrap("list tokens", err)
	}
	return nonNil(ts), nil
}

// CreateToken issues an API token for the user called name (POST /tokens).
// The answer carries the secret, which the server never shows again.
func (c *Client) CreateToken(ctx context.Context, in domain.CreateTokenRequest) (domain.CreatedToken, error) {
	var t domain.CreatedToken
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/tokens", in: in, out: &t, bounded: true}); err != nil {
		return t, wrap("create token for "+in.Name, err)
	}
	return t, nil
}

// RevokeToken revokes a token by its ID (DELETE /tokens/{id}).
func (c *Client) RevokeToken(ctx context.Context, id string) error {
	if _, err := c.do(ctx, call{method: http.MethodDelete, path: "/tokens/" + url.PathEscape(id), bounded: true}); err != nil {
		return wrap("revoke token "+id, err)
	}
	return nil
}
