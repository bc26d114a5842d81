// The plugin endpoints, and the plan a person proposes.

package client

import (
	"context"
	"net/http"
	"net/url"

	"github.com/wingman-dev/wingman/core/domain"
)

// SearchSkills lists the registry's plugins matching query (GET
// /plugins/market).
func (c *Client) SearchSkills(ctx context.Context, query string) ([]domain.MarketplaceSkill, error) {
	q := url.Values{}
	set(q, "q", query)
	var out []domain.MarketplaceSkill
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/plugins/market", query: q, out: &out, bounded: true}); err != nil {
		return nil, wrap("search plugins", err)
	}
	return nonNil(out), nil
}

// SkillInfo describes one plugin of the registry (GET
// /plugins/market/{id}).
func (c *Client) SkillInfo(ctx context.Context, id string) (domain.MarketplaceSkillInfo, error) {
	var out domain.MarketplaceSkillInfo
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/plugins/market/" + url.PathEscape(id), out: &out, bounded: true}); err != nil {
		return out, wrap("plugin info "+id, err)
	}
	return out, nil
}

// ListSkills lists the installed skills (GET /plugins).
func (c *Client) ListSkills(ctx context.Context) ([]domain.InstalledSkill, error) {
	var out []domain.InstalledSkill
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/plugins", out: &out, bounded: true}); err != nil {
		return nil, wrap("list plugins", err)
	}
	return nonNil(out), nil
}

// InstallSkill installs a plugin from the registry (POST /plugins).
func (c *Client) InstallSkill(ctx context.Context, id string, force bool) (domain.InstalledSkill, error) {
	var out domain.InstalledSkill
	in := domain.InstallSkillRequest{ID: id, Force: force}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/plugins", in: in, out: &out, bounded: true}); err != nil {
		return out, wrap("install plugin "+id, err)
	}
	return out, nil
}

// UpdateSkill installs the registry's version of an installed plugin
// (POST /plugins/{id}/update).
func (c *Client) UpdateSkill(ctx context.Context, id string, force bool) (domain.SkillUpdate, error) {
	var out domain.SkillUpdate
	in := domain.UpdateSkillRequest{Force: force}
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/plugins/" + url.PathEscape(id) + "/update", in: in, out: &out, bounded: true}); err != nil {
		return out, wrap("update plugin "+id, err)
	}
	return out, nil
}

// RemoveSkill removes an installed plugin (DELETE /plugins/{id}).
func (c *Client) RemoveSkill(ctx context.Context, id string) error {
	if _, err := c.do(ctx, call{method: http.MethodDelete, path: "/plugins/" + url.PathEscape(id), bounded: true}); err != nil {
		return wrap("remove plugin "+id, err)
	}
	return nil
}

// VerifySkills checks the installed plugin id, or all of them when id is
// empty (GET /plugins/verify).
func (c *Client) VerifySkills(ctx context.Context, id string) ([]domain.SkillVerification, error) {
	q := url.Values{}
	set(q, "id", id)
	var out []domain.SkillVerification
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/plugins/verify", query: q, out: &out, bounded: true}); err != nil {
		return nil, wrap("verify plugins", err)
	}
	return nonNil(out), nil
}

// WorkerSkills fetches the installed skills as a worker loads them (GET
// /worker/skills), with the worker's token.
func (c *Client) WorkerSkills(ctx context.Context) ([]domain.SkillBundle, error) {
	var out []domain.SkillBundle
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/worker/skills", out: &out, bounded: true}); err != nil {
		return nil, wrap("fetch skills", err)
	}
	return nonNil(out), nil
}

// ProposePlan proposes a plan a person wrote (POST /plans); it then waits
// for approval under policy.
func (c *Client) ProposePlan(ctx context.Context, req domain.ProposePlanRequest) (domain.Plan, error) {
	var out domain.Plan
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/plans", in: req, out: &out, bounded: true}); err != nil {
		return out, wrap("propose plan", err)
	}
	return out, nil
}
