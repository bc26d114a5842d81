// Dashboards: rendering a template or a spec on the server, and the
// pre-built templates.

package client

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"

	"github.com/wingman-dev/wingman/core/domain"
)

// RenderDashboard renders a template or a spec (POST /dashboards/render)
// and returns the dashboard as the server encoded it: a
// dashboards/render.Dashboard, which core does not name, so the caller
// decodes it. A refused spec is an *Error whose Problems list what is
// wrong, by path.
func (c *Client) RenderDashboard(ctx context.Context, req domain.RenderRequest) (json.RawMessage, error) {
	var raw json.RawMessage
	if _, err := c.do(ctx, call{method: http.MethodPost, path: "/dashboards/render", in: req, out: &raw, bounded: true}); err != nil {
		what := "render dashboard " + req.Template
		if req.Template == "" {
			what = "render dashboard spec"
		}
		return nil, wrap(what, err)
	}
	return raw, nil
}

// DashboardTemplates lists the server's pre-built dashboards
// (GET /dashboards/templates).
func (c *Client) DashboardTemplates(ctx context.Context) ([]domain.DashboardTemplate, error) {
	var ts []domain.DashboardTemplate
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/dashboards/templates", out: &ts, bounded: true}); err != nil {
		return nil, wrap("list dashboard templates", err)
	}
	return nonNil(ts), nil
}

// DashboardTemplate returns a pre-built dashboard with its YAML source
// (GET /dashboards/templates/{name}).
func (c *Client) DashboardTemplate(ctx context.Context, name string) (domain.DashboardTemplate, error) {
	var t domain.DashboardTemplate
	if _, err := c.do(ctx, call{method: http.MethodGet, path: "/dashboards/templates/" + url.PathEscape(name), out: &t, bounded: true}); err != nil {
		return t, wrap("get dashboard template "+name, err)
	}
	return t, nil
}
