// Drawing pages: the embedded templates and stylesheet, the layout every
// page shares, and the pages that say what went wrong.

package web

import (
	"github.com/dustin/go-humanize"

	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

//go:embed templates static
var files embed.FS

// pageNames are the templates in templates/, each drawn inside
// layout.html with the chart templates at hand.
var pageNames = []string{"dashboard", "incidents", "plans", "plan", "workers", "audit", "message"}

func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/charts.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	pages := map[string]*template.Template{}
	for _, name := range pageNames {
		t, err := template.Must(base.Clone()).ParseFS(files, "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		pages[name] = t
	}
	return pages, nil
}

var funcs = template.FuncMap{
	"when": func(t any) string {
		switch t := t.(type) {
		case time.Time:
			return stamp(t)
		case *time.Time:
			if t != nil {
				return stamp(*t)
			}
		}
		return "—"
	},
	"num":    func(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) },
	"size":   func(n int64) string { return humanize.IBytes(uint64(max(n, 0))) },
	"params": params,
	"join":   strings.Join,
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// params shows an action's parameters as key=value pairs in key order.
func params(m map[string]any) string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, fmt.Sprintf("%s=%v", k, v))
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// staticFiles serves the stylesheet.
func staticFiles() http.Handler {
	sub, _ := fs.Sub(files, "static") // the directory is embedded
	fsrv := http.StripPrefix("/web/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fsrv.ServeHTTP(w, r)
	})
}

// view is what the layout draws around a page.
type view struct {
	Title string
	// Section is the navigation entry to highlight.
	Section string
	// User and CSRF are set for a signed-in visit.
	User *domain.Principal
	CSRF string
	// Notice says what a form did; Refusal why the server refused it.
	Notice, Refusal string
	Page            any
}

// newView starts the view of a page for a visit (nil when signed out).
func newView(v *visit, title, section string, page any) view {
	out := view{Title: title, Section: section, Page: page}
	if v != nil {
		out.User, out.CSRF = &v.p, v.csrf()
	}
	return out
}

// render draws a page whole before sending it, so that a failing
// template never leaves half a page.
func (h *Handler) render(w http.ResponseWriter, status int, name string, v view) {
	var buf bytes.Buffer
	if err := h.pages[name].ExecuteTemplate(&buf, "layout", v); err != nil {
		h.cfg.Logger.Error("draw web page", "page", name, "err", err)
		http.Error(w, "internal error; the server log has the details", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes()) // the browser went away; nothing to tell it
}

// link is a way on from a message page.
type link struct{ Href, Label string }

type messagePage struct {
	Text  string
	Links []link
}

// message draws a page that only says something.
func (h *Handler) message(w http.ResponseWriter, status int, title, text string, links ...link) {
	h.render(w, status, "message", newView(nil, title, "", messagePage{Text: text, Links: links}))
}

// statusOf maps the domain's errors to a status and a page title, as the
// API maps them to its codes.
var statusOf = []struct {
	err    error
	status int
	title  string
}{
	{domain.ErrUnauthenticated, http.StatusUnauthorized, "Not signed in"},
	{domain.ErrForbidden, http.StatusForbidden, "Not allowed"},
	{domain.ErrPolicy, http.StatusForbidden, "Refused by policy"},
	{domain.ErrNotFound, http.StatusNotFound, "Not found"},
	{domain.ErrExpired, http.StatusConflict, "Expired"},
	{domain.ErrDecided, http.StatusConflict, "Already decided"},
	{domain.ErrConflict, http.StatusConflict, "Conflict"},
	{domain.ErrInvalid, http.StatusBadRequest, "Not understood"},
	{domain.ErrRateLimited, http.StatusTooManyRequests, "Too many requests"},
	{domain.ErrUnavailable, http.StatusServiceUnavailable, "Unavailable"},
}

// refusal returns the status and title of an error the person can act
// on, and false for a fault of the server's own.
func refusal(err error) (int, string, bool) {
	for _, m := range statusOf {
		if errors.Is(err, m.err) {
			return m.status, m.title, true
		}
	}
	return 0, "", false
}

// fail draws the page for err: its own words when the person can act on
// it, else a line pointing to the server's log, where err goes.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, v *visit, err error) {
	status, title, ok := refusal(err)
	text := err.Error()
	if !ok {
		h.cfg.Logger.Error("web request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		status, title, text = http.StatusInternalServerError, "Something went wrong", "Internal error; the server log has the details."
	}
	page := messagePage{Text: text}
	if v == nil {
		page.Links = []link{{"/web/", "Wingman"}}
	}
	h.render(w, status, "message", newView(v, title, "", page))
}
