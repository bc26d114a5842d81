// The topology: the site → worker → host → guest forest drawn as a tree,
// each node with the glyph of its kind and its status as a word, coloured
// by how good it is.

package components

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/wingman-dev/wingman/dashboards/query"
	"github.com/wingman-dev/wingman/dashboards/render"
)

var kindGlyphs = map[string]string{
	"site": "⌂", "worker": "◆", "host": "▤", "proxmox_node": "▥",
	"container": "▣", "vm": "▢", "lxc": "▪",
}

// statusStyle colours a status word by how it reads: fine, broken, or
// worth a look.
func (p *pen) statusStyle(status string) lipgloss.Style {
	switch status {
	case "healthy", "running", "up", "online", "ok", "succeeded", "resolved":
		return p.st.OK
	case "unreachable", "exited", "stopped", "dead", "failed", "unhealthy", "critical", "rolled_back":
		return p.st.Error
	}
	return p.st.Warn
}

// The layout option is not drawn differently: the graph is a forest, and
// in a terminal a forest is best read as a tree.
func (p *pen) topology(c *render.Component, w, h int) string {
	g := c.Data.Graph
	if g == nil || len(g.Nodes) == 0 {
		return p.st.Muted.Render("nothing observed yet")
	}
	ids := map[string]bool{}
	for _, n := range g.Nodes {
		ids[n.ID] = true
	}
	children := map[string][]query.Node{}
	var roots []query.Node
	for _, n := range g.Nodes {
		if n.Parent == "" || !ids[n.Parent] {
			roots = append(roots, n)
		} else {
			children[n.Parent] = append(children[n.Parent], n)
		}
	}
	var out []string
	// drawn guards against a graph whose parents loop (an admin's query
	// can return one): each node is drawn once.
	drawn := map[string]bool{}
	var walk func(n query.Node, prefix, branch string)
	walk = func(n query.Node, prefix, branch string) {
		if drawn[n.ID] {
			return
		}
		drawn[n.ID] = true
		glyph, ok := kindGlyphs[n.Kind]
		if !ok {
			glyph = "•"
		}
		line := p.st.Muted.Render(prefix+branch) + glyph + " " + n.Label
		if n.Status != "" {
			line += " " + p.statusStyle(n.Status).Render(n.Status)
		}
		out = append(out, fit(line, w))
		kids := children[n.ID]
		for i, k := range kids {
			next, more := prefix, "├─ "
			if branch == "├─ " {
				next += "│  "
			} else if branch != "" {
				next += "   "
			}
			if i == len(kids)-1 {
				more = "└─ "
			}
			walk(k, next, more)
		}
	}
	for _, r := range roots {
		walk(r, "", "")
	}
	if limit := max(h-3, 4); h > 0 && len(out) > limit {
		more := len(out) - (limit - 1)
		out = append(out[:limit-1], p.st.Muted.Render(fit(fmt.Sprintf("… %d more", more), w)))
	}
	if g.Truncated {
		out = append(out, p.st.Muted.Render(fit("… more were left out", w)))
	}
	return strings.Join(out, "\n")
}
