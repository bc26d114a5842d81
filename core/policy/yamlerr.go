package policy

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlError restates an error from the YAML decoder for a policy author.
// The decoder speaks of Go types ("field aprovals not found in type
// policy.ruleDoc"); the author wrote YAML and needs to hear which key is
// wrong, where, and what would be right.
func yamlError(source string, err error) error {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		// Syntax errors already name the line; only the prefix is noise.
		return fmt.Errorf("%s: %s", source, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	errs := make([]error, 0, len(te.Errors))
	for _, msg := range te.Errors {
		errs = append(errs, fmt.Errorf("%s: %s", source, restate(msg)))
	}
	return errors.Join(errs...)
}

// The decoder's messages, as go.yaml.in/yaml/v3 words them. A message that
// matches neither is passed on unchanged, which loses polish but no detail.
var (
	unknownFieldRE = regexp.MustCompile(`^line (\d+): field (.+) not found in type (\S+)$`)
	wrongTypeRE    = regexp.MustCompile("^line (\\d+): cannot unmarshal (\\S+?)(?: `(.*)`)? into (\\S+)$")
)

func restate(msg string) string {
	if m := unknownFieldRE.FindStringSubmatch(msg); m != nil {
		if s, ok := sections[m[3]]; ok {
			return fmt.Sprintf("line %s: unknown key %q %s; known keys are %s", m[1], m[2], s.where, strings.Join(s.keys, ", "))
		}
		return fmt.Sprintf("line %s: unknown key %q", m[1], m[2])
	}
	if m := wrongTypeRE.FindStringSubmatch(msg); m != nil {
		want, ok := wants[m[4]]
		if !ok {
			want = m[4]
		}
		return fmt.Sprintf("line %s: want %s, got %s", m[1], want, got(m[2], m[3]))
	}
	return msg
}

// got describes a YAML value from its tag and the (possibly shortened)
// text the decoder quotes.
func got(tag, value string) string {
	switch tag {
	case "!!seq":
		return "a list"
	case "!!map":
		return "a mapping"
	case "!!null":
		return "nothing"
	}
	return fmt.Sprintf("%q", value)
}

type section struct {
	where string
	keys  []string
}

// sections and wants are keyed by the type names the decoder prints, taken
// from the types themselves so that renaming one cannot silently break them.
var (
	sections = map[string]section{
		typeName[fileDoc]():     {"at the top level", yamlKeys(reflect.TypeFor[fileDoc]())},
		typeName[defaultsDoc](): {"in defaults", yamlKeys(reflect.TypeFor[defaultsDoc]())},
		typeName[ruleDoc]():     {"in a rule", yamlKeys(reflect.TypeFor[ruleDoc]())},
		typeName[denyDoc]():     {"in a deny entry", yamlKeys(reflect.TypeFor[denyDoc]())},
	}
	wants = map[string]string{
		"int":                   "a whole number",
		"bool":                  "true or false",
		"string":                "a single value",
		typeName[fileDoc]():     "a mapping with defaults, rules and deny",
		typeName[defaultsDoc](): "a mapping such as {approvals: 1, expire_after: 24h}",
		typeName[[]ruleDoc]():   "a list of rules, each starting with -",
		typeName[ruleDoc]():     "a rule, a mapping such as {plugin: docker, approvals: 2}",
		typeName[[]denyDoc]():   "a list of deny entries, each starting with -",
		typeName[denyDoc]():     "a deny entry, a mapping such as {target: db-*, reason: ...}",
	}
)

func typeName[T any]() string { return reflect.TypeFor[T]().String() }

// yamlKeys lists the keys a struct accepts, in field order, following
// inlined structs.
func yamlKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if opts == "inline" {
			keys = append(keys, yamlKeys(f.Type)...)
			continue
		}
		keys = append(keys, name)
	}
	return keys
}
