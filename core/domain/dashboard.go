// Dashboards as the API carries them: what to render, the pre-built
// templates, and the problems that refuse a spec. The rendered dashboard
// itself is dashboards/render.Dashboard, which core does not import; the
// API and its client pass it on as JSON.

package domain

import (
	"fmt"
	"strings"
)

// RenderRequest is the body of POST /api/v1/dashboards/render. Exactly one
// of Template and Spec is set.
type RenderRequest struct {
	// Template names a pre-built dashboard (see GET
	// /api/v1/dashboards/templates).
	Template string `json:"template,omitempty"`
	// Spec is a dashboard spec as it would be in a file: YAML or JSON
	// text, checked against the spec's schema and the server's named
	// queries before anything runs.
	Spec string `json:"spec,omitempty"`
}

// DashboardTemplate is a pre-built dashboard. Source, its YAML, is set
// only when one template is asked for.
type DashboardTemplate struct {
	Name        string `json:"name"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Source      string `json:"source,omitempty"`
}

// Problem is one thing wrong with a document a client sent: where it is
// (sections[1].components[0].type, empty for the whole document) and what
// to do about it.
type Problem struct {
	Path    string `json:"path,omitempty"`
	Message string `json:"message"`
}

// String reads "path: message", or the message alone.
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ProblemsError refuses a document for every problem listed, so that one
// round of edits can fix them all. It is an ErrInvalid; the API answers it
// with the problems in APIError.Problems.
type ProblemsError struct {
	// What names the document ("spec").
	What     string
	Problems []Problem
}

// Error reads "spec refused: path: message; path: message".
func (e *ProblemsError) Error() string {
	ps := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		ps[i] = p.String()
	}
	return fmt.Sprintf("%s refused: %s", e.What, strings.Join(ps, "; "))
}

// Unwrap makes a ProblemsError an ErrInvalid.
func (e *ProblemsError) Unwrap() error { return ErrInvalid }
