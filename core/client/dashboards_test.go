package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/wingman-dev/wingman/core/client"
	"github.com/wingman-dev/wingman/core/domain"
)

func TestDashboardRequests(t *testing.T) {
	ctx := context.Background()
	c, rec := serve(t, 200, map[string]string{"title": "Overview"})
	raw, err := c.RenderDashboard(ctx, domain.RenderRequest{Template: "overview"})
	if err != nil || string(raw) != `{"title":"Overview"}` {
		t.Errorf("render = %s, %v", raw, err)
	}
	if rec.method != "POST" || rec.path != "/api/v1/dashboards/render" || rec.body != `{"template":"overview"}` {
		t.Errorf("request = %+v", rec)
	}

	c, rec = serve(t, 200, domain.DashboardTemplate{Name: "overview", Source: "title: Overview\n"})
	if tmpl, err := c.DashboardTemplate(ctx, "overview"); err != nil || tmpl.Source != "title: Overview\n" ||
		rec.path != "/api/v1/dashboards/templates/overview" {
		t.Errorf("template = %+v, %v; request %+v", tmpl, err, rec)
	}
	c, _ = serve(t, 200, json.RawMessage("null"))
	if ts, err := c.DashboardTemplates(ctx); err != nil || ts == nil {
		t.Errorf("templates = %#v, %v; want an empty list", ts, err)
	}
}

func TestRefusedSpecProblems(t *testing.T) {
	body := domain.ErrorBody{Error: domain.APIError{Code: domain.CodeInvalid, Message: "spec refused: …",
		Problems: []domain.Problem{{Path: "sections[0].components[0].type", Message: `"pie" is not a component`}}}}
	c, _ := serve(t, 400, body)
	_, err := c.RenderDashboard(context.Background(), domain.RenderRequest{Spec: "title: x"})
	var cerr *client.Error
	if !errors.As(err, &cerr) || !errors.Is(err, domain.ErrInvalid) || len(cerr.Problems) != 1 ||
		cerr.Problems[0] != body.Error.Problems[0] {
		t.Errorf("err = %v (%+v)", err, cerr)
	}
}
