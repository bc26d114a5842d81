// Package service serves dashboards to wingmand's API: it is the
// implementation of core/api's Dashboards, rendering templates and specs
// with package render and answering in the API's terms (core/domain), so
// that core never imports the dashboards packages.
package service

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/dashboards/document"
	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
	"github.com/wingman-dev/wingman/dashboards/templates"
)

// Service renders dashboards from one store. It is safe for concurrent
// use.
type Service struct {
	renderer *render.Renderer
	list     []domain.DashboardTemplate
}

// Config is what a Service is built from.
type Config struct {
	Store store.Store
	// Registry holds the named queries: the built-ins and an admin's
	// queries.yaml.
	Registry *query.Registry
	// Log receives the queries that failed.
	Log *slog.Logger
	// Now is the clock; the system's when nil.
	Now func() time.Time
}

// New returns the service. Every template is checked against the
// registry here, so that a queries.yaml that breaks one is found when
// wingmand starts rather than by the first person to open it.
func New(cfg Config) (*Service, error) {
	qs, ok := cfg.Store.(query.Store)
	if !ok {
		return nil, fmt.Errorf("the %s store cannot run read-only dashboard queries", cfg.Store.Kind())
	}
	now := cfg.Now
	if now == nil {
		now = func() time.Time { return time.Now().UTC() }
	}
	s := &Service{renderer: &render.Renderer{Store: qs, Registry: cfg.Registry, Log: cfg.Log, Now: now}}
	for _, name := range templates.Names() {
		t, err := templates.Load(name, cfg.Registry)
		if err != nil {
			return nil, err
		}
		s.list = append(s.list, domain.DashboardTemplate{Name: name, Title: t.Title, Description: t.Description})
	}
	return s, nil
}

// Render renders req's template or spec.
func (s *Service) Render(ctx context.Context, req domain.RenderRequest) (any, error) {
	var (
		d   *render.Dashboard
		err error
	)
	if req.Template != "" {
		d, err = s.renderer.Template(ctx, req.Template)
	} else {
		d, err = s.renderer.Spec(ctx, []byte(req.Spec))
	}
	return d, apiError(err)
}

// Templates lists the pre-built dashboards.
func (s *Service) Templates() []domain.DashboardTemplate {
	return append([]domain.DashboardTemplate(nil), s.list...)
}

// Template returns a pre-built dashboard with its YAML.
func (s *Service) Template(name string) (domain.DashboardTemplate, error) {
	src, err := templates.Source(name)
	if err != nil {
		return domain.DashboardTemplate{}, apiError(err)
	}
	t := domain.DashboardTemplate{Name: name, Source: string(src)}
	for _, have := range s.list {
		if have.Name == name {
			t.Title, t.Description = have.Title, have.Description
		}
	}
	return t, nil
}

// apiError puts the dashboards' errors in the API's terms: a refused spec
// lists its problems, a template that is not there is not found.
func apiError(err error) error {
	var refused *document.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &refused):
		return &domain.ProblemsError{What: "spec", Problems: problems(refused)}
	case errors.Is(err, templates.ErrNotFound):
		return fmt.Errorf("%w: %w", err, domain.ErrNotFound)
	}
	return err
}

// problems converts a refused document's problems to the API's.
func problems(e *document.Error) []domain.Problem {
	out := make([]domain.Problem, len(e.Problems))
	for i, p := range e.Problems {
		out[i] = domain.Problem{Path: p.Path, Message: p.Message}
	}
	return out
}
