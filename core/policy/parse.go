package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// fileDoc and the types below mirror the file format. Overrides are pointers
// so that a key left out can be told apart from one set to its zero value.
type fileDoc struct {
	Defaults *defaultsDoc `yaml:"defaults"`
	Rules    []ruleDoc    `yaml:"rules"`
	Deny     []denyDoc    `yaml:"deny"`
}

type defaultsDoc struct {
	Approvals             *count  `yaml:"approvals"`
	IrreversibleApprovals *count  `yaml:"irreversible_approvals"`
	AuthorMayApprove      *bool   `yaml:"author_may_approve"`
	ExpireAfter           *string `yaml:"expire_after"`
}

type selectorDoc struct {
	Plugin string `yaml:"plugin"`
	Action string `yaml:"action"`
	Target string `yaml:"target"`
	Worker string `yaml:"worker"`
}

type ruleDoc struct {
	selectorDoc      `yaml:",inline"`
	Approvals        *count  `yaml:"approvals"`
	AuthorMayApprove *bool   `yaml:"author_may_approve"`
	ExpireAfter      *string `yaml:"expire_after"`
}

type denyDoc struct {
	selectorDoc `yaml:",inline"`
	Reason      string `yaml:"reason"`
}

// count is a number of approvers. It accepts only YAML integers: the
// decoder would turn approvals: 2.5 into 2, quietly requiring fewer
// approvers than the author wrote.
type count int

// UnmarshalYAML implements yaml.Unmarshaler.
func (c *count) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!int" {
		return &yaml.TypeError{Errors: []string{
			fmt.Sprintf("line %d: want a whole number, got %s", n.Line, got(n.ShortTag(), n.Value)),
		}}
	}
	var i int
	if err := n.Decode(&i); err != nil {
		return err
	}
	*c = count(i)
	return nil
}

// Load reads the policy file at path and parses it as Parse does.
func Load(path string) (*Policy, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load policy %s: %w", path, err)
	}
	// The wrapping already carries the full path; the base name keeps each
	// line of a multi-error message short.
	p, err := Parse(data, filepath.Base(path))
	if err != nil {
		return nil, fmt.Errorf("load policy %s: %w", path, err)
	}
	return p, nil
}

// Parse reads a policy in the format described in the package comment.
// Source names the document in errors, usually its file name.
//
// Parse is strict, because a policy that is quietly misread grants more
// than its author meant: it refuses unknown keys (naming the line), values
// of the wrong type, approvals outside 1..10, an irreversible_approvals
// below approvals, durations that are not positive Go durations, malformed
// globs, a rule that matches everything ahead of other rules, a deny entry
// that would deny every plan, and more than one YAML document. It reports
// every problem it finds, one per line, each as "source: where: what".
//
// Empty input, or input with only comments, yields Default.
func Parse(data []byte, source string) (*Policy, error) {
	if source == "" {
		source = "policy"
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var doc fileDoc
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return Default(), nil
		}
		return nil, yamlError(source, err)
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil:
		return nil, yamlError(source, err)
	default:
		return nil, fmt.Errorf("%s: line %d: a second YAML document; a policy is a single document, so remove the \"---\" or merge the two", source, next.Line)
	}

	c := checker{source: source}
	p := c.policy(doc)
	if err := errors.Join(c.errs...); err != nil {
		return nil, err
	}
	return p, nil
}

// checker turns a fileDoc into a Policy, collecting every problem so that
// one run shows the author all of them.
type checker struct {
	source string
	errs   []error
}

func (c *checker) errorf(where, format string, args ...any) {
	c.errs = append(c.errs, fmt.Errorf("%s: %s: %s", c.source, where, fmt.Sprintf(format, args...)))
}

func (c *checker) policy(doc fileDoc) *Policy {
	p := Default()
	if d := doc.Defaults; d != nil {
		c.defaults(d, &p.defaults)
	}
	for i, r := range doc.Rules {
		where := fmt.Sprintf("rules[%d]", i)
		sel := c.selector(where, r.selectorDoc)
		if sel.isEmpty() && i < len(doc.Rules)-1 {
			c.errorf(where, "has no plugin, action, target or worker, so it matches every action and the rules after it can never apply; move it to the end of rules")
		}
		p.rules = append(p.rules, rule{
			selector:         sel,
			approvals:        c.approvals(where+".approvals", r.Approvals),
			authorMayApprove: r.AuthorMayApprove,
			expireAfter:      c.duration(where+".expire_after", r.ExpireAfter),
		})
	}
	for i, d := range doc.Deny {
		where := fmt.Sprintf("deny[%d]", i)
		sel := c.selector(where, d.selectorDoc)
		if sel.isEmpty() {
			c.errorf(where, "has no plugin, action, target or worker, so it would deny every plan; say what it denies, or write plugin: \"*\" if refusing everything is really meant")
		}
		reason := strings.TrimSpace(d.Reason)
		if reason == "" {
			reason = fmt.Sprintf("denied by deny rule %d", i)
		}
		p.deny = append(p.deny, denial{selector: sel, reason: reason})
	}
	return p
}

// defaults applies d on top of out, which holds Default's values.
func (c *checker) defaults(d *defaultsDoc, out *defaults) {
	if n := c.approvals("defaults.approvals", d.Approvals); n != 0 {
		out.approvals = n
	}
	if n := c.approvals("defaults.irreversible_approvals", d.IrreversibleApprovals); n != 0 {
		out.irreversibleApprovals = n
	}
	if d.AuthorMayApprove != nil {
		out.authorMayApprove = *d.AuthorMayApprove
	}
	if t := c.duration("defaults.expire_after", d.ExpireAfter); t != 0 {
		out.expireAfter = t
	}
	// An action that cannot be undone needing fewer approvers than one that
	// can is almost certainly a slip, typically raising approvals and
	// forgetting that irreversible_approvals still has its default.
	if out.irreversibleApprovals < out.approvals {
		given := fmt.Sprint(out.irreversibleApprovals)
		if d.IrreversibleApprovals == nil {
			given += " (the default)"
		}
		c.errorf("defaults.irreversible_approvals", "%s is less than defaults.approvals (%d); irreversible actions must need at least as many approvers, so set it to %d or more",
			given, out.approvals, out.approvals)
	}
}

// approvals checks an optional approver count; it returns 0 when v is unset
// or invalid.
func (c *checker) approvals(where string, v *count) int {
	if v == nil {
		return 0
	}
	n := int(*v)
	if n < minApprovals || n > maxApprovals {
		c.errorf(where, "%d is out of range (%d..%d)", n, minApprovals, maxApprovals)
		return 0
	}
	return n
}

// duration checks an optional expiry; it returns 0 when v is unset or
// invalid.
func (c *checker) duration(where string, v *string) time.Duration {
	if v == nil {
		return 0
	}
	d, err := time.ParseDuration(*v)
	if err != nil {
		c.errorf(where, "%q is not a duration like 30m or 24h", *v)
		return 0
	}
	if d <= 0 {
		c.errorf(where, "%q must be more than zero, or plans would expire before anyone could approve them", *v)
		return 0
	}
	return d
}

func (c *checker) selector(where string, d selectorDoc) selector {
	for _, f := range []struct{ key, pattern string }{
		{"plugin", d.Plugin},
		{"action", d.Action},
		{"target", d.Target},
		{"worker", d.Worker},
	} {
		// path.Match checks the whole pattern even when the name does not
		// match, so matching against "" is a syntax check.
		if _, err := path.Match(f.pattern, ""); err != nil {
			c.errorf(where+"."+f.key, "%q is not a valid glob (%v); use path.Match syntax: * ? [abc] [a-z], and \\ to escape", f.pattern, err)
		}
	}
	return selector{plugin: d.Plugin, action: d.Action, target: d.Target, worker: d.Worker}
}
