// The registry's index, plugins.json, and fetching one plugin's files.

package marketplace

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/wingman-dev/wingman/plugins/skill/bundle"
	"github.com/wingman-dev/wingman/plugins/skill/manifest"
)

// IndexFile is the index's name at the registry's root.
const IndexFile = "plugins.json"

// Index is plugins.json.
type Index struct {
	Format  int     `json:"format"`
	Plugins []Entry `json:"plugins"`
	// Refused holds why each entry left out of Plugins was refused, by
	// the id it gave.
	Refused map[string]error `json:"-"`
}

// Entry is one plugin as the index lists it. It is what the registry
// says, not what was verified: the manifest and the signature decide.
type Entry struct {
	ID          string                `json:"id"`
	Name        string                `json:"name"`
	Version     string                `json:"version"`
	Author      string                `json:"author"`
	Description string                `json:"description"`
	TrustLevel  manifest.Trust        `json:"trust_level"`
	Permissions []manifest.Permission `json:"permissions"`
	// Files are the plugin's files below plugins/<id>/.
	Files []string `json:"files"`
}

var idPattern = regexp.MustCompile(`^[a-z][a-z0-9-]{1,63}$`)

// ValidID reports whether id can name a plugin (and so a folder and a URL
// path element).
func ValidID(id string) bool { return idPattern.MatchString(id) }

// Index reads and checks plugins.json. An entry with a bad id or file
// name, or listed twice, is left out and its reason kept in Refused, so
// that one broken entry does not hide the rest of the registry.
func (c *Client) Index(ctx context.Context) (Index, error) {
	data, err := c.get(ctx, IndexFile, MaxIndexSize)
	if err != nil {
		return Index{}, err
	}
	var ix Index
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&ix); err != nil {
		return Index{}, fmt.Errorf("marketplace: %s: %w", IndexFile, err)
	}
	if ix.Format != 1 {
		return Index{}, fmt.Errorf("marketplace: %s: format %d; this Wingman reads format 1", IndexFile, ix.Format)
	}
	all := ix.Plugins
	ix.Plugins, ix.Refused = nil, map[string]error{}
	seen := map[string]bool{}
	for i, e := range all {
		err := e.check()
		if err == nil && seen[e.ID] {
			err = fmt.Errorf("%s is listed twice", e.ID)
		}
		if err != nil {
			ix.Refused[e.ID] = fmt.Errorf("%w: %s: plugins[%d]: %w", ErrBadEntry, IndexFile, i, err)
			continue
		}
		seen[e.ID] = true
		ix.Plugins = append(ix.Plugins, e)
	}
	return ix, nil
}

func (e Entry) check() error {
	if !ValidID(e.ID) {
		return fmt.Errorf("id %q is not a plugin id (%s)", e.ID, idPattern)
	}
	if len(e.Files) > bundle.MaxFiles {
		return fmt.Errorf("%s: %d files, at most %d", e.ID, len(e.Files), bundle.MaxFiles)
	}
	for _, f := range e.Files {
		if err := manifest.CheckPath(f); err != nil {
			return fmt.Errorf("%s: files: %w", e.ID, err)
		}
	}
	if !slices.Contains(e.Files, manifest.FileName) {
		return fmt.Errorf("%s: files do not include %s", e.ID, manifest.FileName)
	}
	return nil
}

// Find returns the entry of id.
func (ix Index) Find(id string) (Entry, error) {
	for _, e := range ix.Plugins {
		if e.ID == id {
			return e, nil
		}
	}
	if err := ix.Refused[id]; err != nil {
		return Entry{}, err
	}
	return Entry{}, fmt.Errorf("%w: no plugin %q", ErrNotFound, id)
}

// Search returns the entries whose id, name or description contains
// query, ignoring case; an empty query matches all.
func (ix Index) Search(query string) []Entry {
	q := strings.ToLower(query)
	var out []Entry
	for _, e := range ix.Plugins {
		if strings.Contains(strings.ToLower(e.ID+"\n"+e.Name+"\n"+e.Description), q) {
			out = append(out, e)
		}
	}
	return out
}

// Fetch downloads the files of e, each capped, into a bundle. Its
// manifest must name the same id and version as the index.
func (c *Client) Fetch(ctx context.Context, e Entry) (bundle.Bundle, error) {
	if err := e.check(); err != nil {
		return bundle.Bundle{}, fmt.Errorf("marketplace: %w", err)
	}
	files := map[string][]byte{}
	total := 0
	for _, name := range e.Files {
		data, err := c.get(ctx, "plugins/"+e.ID+"/"+name, min(bundle.MaxFileSize, int64(bundle.MaxTotalSize-total)))
		if err != nil {
			return bundle.Bundle{}, fmt.Errorf("fetch %s: %w", e.ID, err)
		}
		total += len(data)
		files[name] = data
	}
	b, err := bundle.New(files)
	if err != nil {
		return bundle.Bundle{}, fmt.Errorf("fetch %s: %w", e.ID, err)
	}
	m, err := b.Manifest()
	if err != nil {
		return bundle.Bundle{}, fmt.Errorf("fetch %s: %w", e.ID, err)
	}
	if m.ID != e.ID || m.Version != e.Version {
		return bundle.Bundle{}, fmt.Errorf("fetch %s: the index lists %s %s but its manifest says %s %s", e.ID, e.ID, e.Version, m.ID, m.Version)
	}
	return b, nil
}

// File downloads one more file of a plugin, such as its README, capped at
// max bytes.
func (c *Client) File(ctx context.Context, id, name string, max int64) ([]byte, error) {
	if !ValidID(id) {
		return nil, fmt.Errorf("marketplace: %q is not a plugin id", id)
	}
	if err := manifest.CheckPath(name); err != nil {
		return nil, fmt.Errorf("marketplace: %w", err)
	}
	return c.get(ctx, "plugins/"+id+"/"+name, max)
}
