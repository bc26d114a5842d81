package marketplace

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func serve(t *testing.T, h http.Handler) *Client {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	c, err := New(srv.URL, srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestBaseURL(t *testing.T) {
	for repo, want := range map[string]string{
		DefaultRepo:                            "https://raw.githubusercontent.com/wingman-plugins/registry/main/",
		"github.com/me/skills@stable":          "https://raw.githubusercontent.com/me/skills/stable/",
		"http://127.0.0.1:9000/reg":            "http://127.0.0.1:9000/reg/",
		"https://mirror.lan/wingman/registry/": "https://mirror.lan/wingman/registry/",
	} {
		u, err := BaseURL(repo)
		if err != nil || u.String() != want {
			t.Errorf("BaseURL(%q) = %v, %v; want %s", repo, u, err, want)
		}
	}
	for _, bad := range []string{"", "gitlab.com/a/b", "github.com/a", "github.com/a/b/c", "github.com/../b", "github.com/a/b@x/y", "ftp://x", "http://x/?q=1"} {
		if _, err := BaseURL(bad); err == nil {
			t.Errorf("BaseURL(%q) accepted it", bad)
		}
	}
}

func TestIndexAndFetch(t *testing.T) {
	c := serve(t, http.FileServer(http.Dir(registryDir)))
	ctx := context.Background()
	ix, err := c.Index(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range ix.Plugins {
		ids = append(ids, e.ID)
	}
	if !slices.Contains(ids, "container-restart") || slices.Contains(ids, "bad-path") {
		t.Errorf("index ids = %v", ids)
	}
	if _, err := ix.Find("bad-path"); err == nil || !strings.Contains(err.Error(), "reaches outside the skill's folder") {
		t.Errorf("Find(bad-path) = %v", err)
	}
	if _, err := ix.Find("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Find(nope) = %v", err)
	}
	if got := ix.Search("INVENTORY"); len(got) != 1 || got[0].ID != "docker-inventory" {
		t.Errorf("Search = %+v", got)
	}

	e, _ := ix.Find("container-restart")
	b, err := c.Fetch(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(b.Names(), []string{"README.md", "manifest.yaml", "signature.sig", "skill.py"}) {
		t.Errorf("fetched %v", b.Names())
	}
	e.Version = "9.9.9"
	if _, err := c.Fetch(ctx, e); err == nil || !strings.Contains(err.Error(), "the index lists container-restart 9.9.9 but its manifest says container-restart 1.0.0") {
		t.Errorf("Fetch with a lying index = %v", err)
	}
	e.Version, e.Files = "1.0.0", append(e.Files, "missing.py")
	if _, err := c.Fetch(ctx, e); !errors.Is(err, ErrNotFound) {
		t.Errorf("Fetch of a missing file = %v", err)
	}
}

// Downloads stop at their cap, whatever the server says the length is.
func TestSizeCaps(t *testing.T) {
	c := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/plugins.json" {
			_, _ = w.Write([]byte(`{"format": 1, "plugins": [{"id": "big", "version": "1.0.0", "files": ["manifest.yaml", "skill.py"]}]}`))
			return
		}
		// Streamed without a Content-Length, past any cap.
		chunk := []byte(strings.Repeat("x", 1<<20))
		for range 40 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	ix, err := c.Index(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Fetch(context.Background(), ix.Plugins[0])
	if err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Errorf("Fetch = %v, want a size refusal", err)
	}
}
