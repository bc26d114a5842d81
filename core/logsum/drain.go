package logsum

import (
	"container/list"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/wingman-dev/wingman/core/domain"
)

// Wildcard stands in a template for the tokens that vary between lines.
const Wildcard = "<*>"

// Options tune a Miner and a Summarizer. Zero fields take their defaults.
type Options struct {
	// Depth is the depth of the parse tree's leaves, counted as in the
	// Drain paper and Drain3: the root, the layer of token counts, then
	// Depth-2 layers of leading tokens. Default 4, least 3.
	Depth int
	// Similarity is the share of a template's tokens a line must equal to
	// join its cluster, in (0, 1]. Default 0.4.
	Similarity float64
	// MaxChildren caps the children of a tree node; once it is reached,
	// new tokens share the node's wildcard child. Default 100.
	MaxChildren int
	// MaxClusters caps the clusters a Miner keeps; beyond it the least
	// recently matched cluster is forgotten. Default 1000.
	MaxClusters int

	// Templates is how many templates a summary carries, the most
	// frequent first: default 50, at most MaxTemplates, negative for none.
	Templates int
	// Samples is how many example lines a summary carries: default 5, at
	// most MaxSamples, negative for none.
	Samples int
}

// maxMined is how much of a redacted line the Miner reads. Beyond it a
// line is rarely the same message any more, and templates stay short.
const maxMined = 1024

// A Miner mines message templates from log lines with Drain (He, Zhu,
// Zheng and Lyu, "Drain: An Online Log Parsing Approach with Fixed Depth
// Tree", ICWS 2017). Lines are split into tokens on white space, and JSON
// between its fields. A parse tree of fixed depth leads from a line's
// token count and first tokens to a short list of clusters, and the line
// joins the most similar one, or starts a new one when none is similar
// enough. Where a joining line differs from the template, the template
// gets a Wildcard. Lines that differ in a leading token without digits
// never join: that is Drain's bet that messages start with constants.
//
// A Miner is not safe for concurrent use.
type Miner struct {
	depth       int
	similarity  float64
	maxChildren int
	maxClusters int

	root     node
	clusters map[int]*cluster
	recent   list.List // of *cluster, most recently matched first
	lastID   int
}

// node is a node of the parse tree. Its children are keyed by token count
// below the root and by token below that; leaves hold clusters.
type node struct {
	parent   *node
	key      string
	children map[string]*node
	clusters []*cluster // in order of creation, so ties go to the oldest
}

type cluster struct {
	id       int
	tokens   []string // of template
	template string
	count    int
	leaf     *node
	recent   *list.Element
}

// NewMiner returns an empty Miner.
func NewMiner(opts Options) *Miner {
	opts = opts.withDefaults()
	return &Miner{depth: opts.Depth, similarity: opts.Similarity, maxChildren: opts.MaxChildren,
		maxClusters: opts.MaxClusters, clusters: map[int]*cluster{}}
}

func (o Options) withDefaults() Options {
	if o.Depth == 0 {
		o.Depth = 4
	}
	o.Depth = max(o.Depth, 3)
	if o.Similarity <= 0 || o.Similarity > 1 {
		o.Similarity = 0.4
	}
	if o.MaxChildren <= 0 {
		o.MaxChildren = 100
	}
	if o.MaxClusters <= 0 {
		o.MaxClusters = 1000
	}
	switch {
	case o.Templates == 0:
		o.Templates = 50
	case o.Templates < 0:
		o.Templates = 0
	}
	o.Templates = min(o.Templates, MaxTemplates)
	switch {
	case o.Samples == 0:
		o.Samples = 5
	case o.Samples < 0:
		o.Samples = 0
	}
	o.Samples = min(o.Samples, MaxSamples)
	return o
}

// Add redacts line, mines it, and returns the id of the cluster it joined.
// Ids are not reused, even after a cluster is forgotten. Add sees one line
// at a time: feed a Summarizer instead to hide private keys logged over
// several lines.
func (m *Miner) Add(line string) (clusterID int) {
	return m.add(Redact(capLine(line))).id
}

// add mines a line that is already redacted.
func (m *Miner) add(line string) *cluster {
	tokens := tokenize(cut(line, maxMined))
	if c := m.match(tokens); c != nil {
		c.count++
		m.recent.MoveToFront(c.recent)
		changed := false
		for i, t := range c.tokens {
			if t != Wildcard && t != tokens[i] {
				c.tokens[i], changed = Wildcard, true
			}
		}
		if changed {
			c.template = strings.Join(c.tokens, " ")
		}
		return c
	}
	m.lastID++
	template := strings.Join(tokens, " ")
	// Split the copy, so that the cluster does not keep the line alive.
	c := &cluster{id: m.lastID, template: template, tokens: strings.Fields(template), count: 1}
	m.insert(c)
	c.recent = m.recent.PushFront(c)
	m.clusters[c.id] = c
	for len(m.clusters) > m.maxClusters {
		m.forget(m.recent.Back().Value.(*cluster))
	}
	return c
}

// tokenize splits a line into tokens on white space, and JSON between its
// fields as well (after a comma before a quote), since a JSON log line has
// no white space to speak of and would otherwise be one or two tokens that
// differ in every line.
func tokenize(s string) []string {
	tokens := strings.Fields(s)
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		if j := strings.Index(t, `,"`); j >= 0 && j+1 < len(t) {
			tokens = append(tokens[:i+1], tokens[i:]...)
			tokens[i], tokens[i+1] = t[:j+1], t[j+1:]
		}
	}
	return tokens
}

// match finds the cluster a line joins, or nil. The walk down prefers the
// token's own child and falls back to the wildcard child, as in Drain3.
func (m *Miner) match(tokens []string) *cluster {
	n := m.root.children[strconv.Itoa(len(tokens))]
	for i := 0; n != nil && i < m.depth-2 && i < len(tokens); i++ {
		next := n.children[tokens[i]]
		if next == nil {
			next = n.children[Wildcard]
		}
		n = next
	}
	if n == nil {
		return nil
	}
	var best *cluster
	bestSim, bestParams := -1.0, -1
	for _, c := range n.clusters {
		sim, params := similarity(c.tokens, tokens)
		if sim > bestSim || sim == bestSim && params > bestParams {
			best, bestSim, bestParams = c, sim, params
		}
	}
	if bestSim < m.similarity {
		return nil
	}
	return best
}

// similarity is the share of the template's tokens equal to the line's
// (wildcards do not count as equal), and the number of wildcards, which
// breaks ties: the more general template is the better home.
func similarity(template, tokens []string) (float64, int) {
	if len(template) == 0 {
		return 1, 0
	}
	equal, params := 0, 0
	for i, t := range template {
		switch t {
		case Wildcard:
			params++
		case tokens[i]:
			equal++
		}
	}
	return float64(equal) / float64(len(template)), params
}

// insert puts a new cluster in the tree. Tokens with digits (numbers, hex,
// ids) go under the wildcard child, and so do all tokens once a node has
// MaxChildren children, which bounds the tree.
func (m *Miner) insert(c *cluster) {
	n := m.root.child(strconv.Itoa(len(c.tokens)))
	for i := 0; i < m.depth-2 && i < len(c.tokens); i++ {
		t := c.tokens[i]
		if next := n.children[t]; next != nil {
			n = next
			continue
		}
		switch {
		case hasDigit(t):
			n = n.child(Wildcard)
		case n.children[Wildcard] != nil:
			if len(n.children) < m.maxChildren {
				n = n.child(t)
			} else {
				n = n.children[Wildcard]
			}
		case len(n.children)+1 < m.maxChildren:
			n = n.child(t)
		default:
			n = n.child(Wildcard)
		}
	}
	n.clusters = append(n.clusters, c)
	c.leaf = n
}

// forget removes a cluster, and the branches of the tree it leaves empty,
// so that a long-running Miner stays within its bounds.
func (m *Miner) forget(c *cluster) {
	m.recent.Remove(c.recent)
	delete(m.clusters, c.id)
	n := c.leaf
	for i, x := range n.clusters {
		if x == c {
			n.clusters = append(n.clusters[:i:i], n.clusters[i+1:]...)
			break
		}
	}
	for n.parent != nil && len(n.children) == 0 && len(n.clusters) == 0 {
		delete(n.parent.children, n.key)
		n = n.parent
	}
}

func (n *node) child(key string) *node {
	if c := n.children[key]; c != nil {
		return c
	}
	if n.children == nil {
		n.children = map[string]*node{}
	}
	c := &node{parent: n, key: key}
	n.children[key] = c
	return c
}

// Templates returns the templates of the clusters the Miner keeps with
// their counts since it began, the most frequent first, then by template.
// Clusters whose templates have become equal are counted as one.
func (m *Miner) Templates() []domain.LogTemplate {
	counts := map[string]int{}
	for _, c := range m.clusters {
		counts[c.template] += c.count
	}
	return sortTemplates(counts, len(counts))
}

// sortTemplates returns the n most frequent templates, ties in template
// order so that the output does not depend on map order.
func sortTemplates(counts map[string]int, n int) []domain.LogTemplate {
	if len(counts) == 0 || n <= 0 {
		return nil
	}
	out := make([]domain.LogTemplate, 0, len(counts))
	for t, c := range counts {
		out = append(out, domain.LogTemplate{Template: t, Count: c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Template < out[j].Template
	})
	return out[:min(n, len(out))]
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			return true
		}
	}
	return false
}

// cut returns s as valid UTF-8 of at most n bytes, cut at a rune boundary.
// Invalid bytes become U+FFFD first, since JSON would do so anyway and a
// text that grew in the encoding could break the control plane's limits.
func cut(s string, n int) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
