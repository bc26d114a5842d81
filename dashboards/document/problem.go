// Paths into a document and the problems found at them.

package document

import (
	"strconv"
	"strings"
)

// Path locates a value inside a document: map keys and list indexes from
// the root.
type Path []string

// Key returns p extended by a map key.
func (p Path) Key(k string) Path { return append(p[:len(p):len(p)], k) }

// Index returns p extended by a list index.
func (p Path) Index(i int) Path { return append(p[:len(p):len(p)], strconv.Itoa(i)) }

// String writes p the way a person finds it in the file:
// sections[1].components[0].type, with a key that is not a plain word
// quoted (["containers.active"].sql). An index is told from a key by being a
// number, which the documents read here never use as a key.
func (p Path) String() string {
	var b strings.Builder
	for _, e := range p {
		if _, err := strconv.Atoi(e); err == nil {
			b.WriteString("[" + e + "]")
			continue
		}
		if !plain(e) {
			b.WriteString("[" + strconv.Quote(e) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(e)
	}
	return b.String()
}

// Problem is one thing wrong with a document: where, and what to do about
// it.
type Problem struct {
	// Path is where the problem is (sections[1].components[0].type), empty
	// for the document as a whole.
	Path string `json:"path,omitempty"`
	// Message says what is wrong and, where there is one, the fix.
	Message string `json:"message"`
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Error is a document refused for one or more problems, all of them listed
// so that one round of edits can fix them.
type Error struct {
	Problems []Problem `json:"problems"`
}

func (e *Error) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}

// Refuse returns an *Error holding one problem.
func Refuse(p Path, msg string) *Error {
	return &Error{Problems: []Problem{{Path: p.String(), Message: msg}}}
}

func plain(key string) bool {
	for _, c := range key {
		if c != '_' && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return key != ""
}
