// The pattern keyword: ECMA-262 regular expressions run by Go's regexp.

package schema

import (
	"fmt"
	"regexp"
	"strings"
)

// pattern is a compiled pattern keyword; src is kept for reasons.
type pattern struct {
	src string
	re  *regexp.Regexp
}

// goEscapes are the escapes Go's regexp reads otherwise than ECMA-262,
// JSON Schema's regex dialect: \s and \S are ASCII in Go and Unicode in
// ECMA-262; \p, \P, \A, \z and \Q are Go syntax, and \a is BEL in Go,
// where ECMA-262 (without its u flag) reads the letter itself.
const goEscapes = "sSpPAzQa"

// compilePattern compiles src, written in ECMA-262's dialect, with Go's
// regexp. The two agree on the plain syntax schemas use (literals,
// classes, groups, alternation, quantifiers, ^, $, \d, \w, \b); for the
// rest src is translated or refused, never given Go's meaning. '.'
// becomes a class, as ECMA-262's also excludes \r, U+2028 and U+2029.
// Refused are goEscapes and \x{…}, groups other than (?:…), POSIX
// classes ([:alpha:]) and [] or [^] (empty and full in ECMA-262, the
// start of a class holding ']' in Go). Like any JSON Schema pattern the
// result is unanchored: it matches anywhere in a string unless src has
// ^ and $.
func compilePattern(src string) (*pattern, error) {
	unlike := func(what string) error {
		return fmt.Errorf("%q: %s means something else in Go's regexp than in ECMA-262", src, what)
	}
	var b strings.Builder
	inClass := false
	for i := 0; i < len(src); i++ {
		c, rest := src[i], src[i+1:]
		switch {
		case c == '\\' && rest != "":
			if strings.IndexByte(goEscapes, rest[0]) >= 0 || strings.HasPrefix(rest, "x{") {
				return nil, unlike(src[i : i+2])
			}
			// Copied whole, so that an escaped '.', '[' or ']' stays
			// a literal.
			b.WriteString(src[i : i+2])
			i++
			continue
		case inClass:
			if c == '[' && strings.HasPrefix(rest, ":") {
				return nil, unlike("[:")
			}
			inClass = c != ']'
		case c == '[':
			if strings.HasPrefix(strings.TrimPrefix(rest, "^"), "]") {
				return nil, unlike("a class starting with ]")
			}
			inClass = true
		case c == '(' && strings.HasPrefix(rest, "?") && !strings.HasPrefix(rest, "?:"):
			return nil, unlike("(?")
		case c == '.':
			b.WriteString(`[^\n\r\x{2028}\x{2029}]`)
			continue
		}
		b.WriteByte(c)
	}
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("%q: %w", src, err)
	}
	return &pattern{src: src, re: re}, nil
}
