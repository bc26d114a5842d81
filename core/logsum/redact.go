package logsum

import (
	"net/netip"
	"regexp"
	"strings"
)

// Placeholders that stand where Redact took something out.
const (
	RedactedSecret = "<secret>"
	RedactedEmail  = "<email>"
	RedactedIP     = "<ip>"
)

// The patterns are compiled once; Redact runs on every line a worker reads.
var (
	// The whole key when it is in one string; when its lines arrive one
	// at a time the start alone matches here and keyBlock hides the rest.
	pemRE    = regexp.MustCompile(`-----BEGIN[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----(?s:.*?)(?:-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----|\z)`)
	pemEndRE = regexp.MustCompile(`-----END[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?-----`)

	// Greedy up to the last @ before the host, since passwords may hold
	// an unescaped @ and the host never does.
	userinfoRE = regexp.MustCompile(`\b([A-Za-z][A-Za-z0-9+.\-]*://)[^/\s?#"'<>]+@`)

	jwtRE     = regexp.MustCompile(`\beyJ[A-Za-z0-9_\-]+\.eyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]*`)
	awsRE     = regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`)
	githubRE  = regexp.MustCompile(`\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}`)
	slackRE   = regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9\-]{10,}`)
	wingmanRE = regexp.MustCompile(`\bwmw?_[A-Za-z0-9]{16,}`)

	// A cookie header holds several name=value pairs, any of which may be
	// a session, so all of it goes.
	cookieRE = regexp.MustCompile(`(?i)\b((?:set-)?cookie\s*:\s*)[^"\r\n]+`)
	bearerRE = regexp.MustCompile(`(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]+=*`)

	// kvRE reads a value whose key names a secret, from the start of the
	// key: key=value, key: value, "key": "value", and JSON escaped inside
	// a JSON string (Docker's log files). Group 1 is the key with its
	// separator, group 2 the value. A quoted value may be cut short by the
	// end of the line. It is anchored because an unanchored search costs
	// most of Redact's time; secretWordAt finds where to try it.
	kvRE = regexp.MustCompile(`^(?i)` +
		`((?:\\?["'][\w.\-]*` + secretKey + `[\w.\-]*\\?["']|[\w.\-]*` + secretKey + `[\w.\-]*)\s*[=:]\s*)` +
		`("(?:[^"\\]|\\.)*(?:"|$)|'[^']*(?:'|$)|\\"(?:[^"\\]|\\[^"])*(?:\\"|$)|` +
		`(?:(?:bearer|basic|digest|token|negotiate)\s+)?[^\s,;&"'}\]\\<>]+)`)

	emailRE = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}\b`)
	// ipv6RE finds candidates only; netip decides, so that times such as
	// 10:30:00 and MAC addresses stay. Group 2 is the candidate.
	ipv6RE = regexp.MustCompile(`(?i)(^|[^\w:.])((?:[0-9a-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-f]{1,4})?(?:%[\w.\-]+)?)`)
)

// secretKey is what a key names when its value is a secret.
const secretKey = `(?:password|passwd|passphrase|pwd|secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|auth|session|cookie|credential)`

// systemdUnits are the suffixes of unit names such as user@1000.service,
// which look like e-mail addresses and are not.
var systemdUnits = []string{".service", ".socket", ".timer", ".mount", ".target", ".path", ".slice", ".scope", ".device", ".swap"}

// Redact returns line with secrets and personal data replaced by
// placeholders: e-mail addresses by <email>, IPv4 and IPv6 addresses by
// <ip>, and by <secret> the values of keys that name secrets (password,
// token, api_key, auth, session, cookie…), Authorization and Cookie
// header values, bearer tokens, URL userinfo, private keys, well-known
// token shapes (JWT, AWS, GitHub, Slack, Wingman's own) and long random
// hex or base64 strings. The rest of the line is kept.
//
// Redact sees one string. A private key logged over several lines is only
// hidden whole by a Summarizer, which remembers that a key has begun.
func Redact(line string) string {
	s := line
	if strings.Contains(s, "PRIVATE KEY") {
		s = pemRE.ReplaceAllLiteralString(s, RedactedSecret)
	}
	if strings.Contains(s, "://") && strings.Contains(s, "@") {
		s = userinfoRE.ReplaceAllString(s, "${1}"+RedactedSecret+"@")
	}
	if strings.Contains(s, "eyJ") {
		s = jwtRE.ReplaceAllLiteralString(s, RedactedSecret)
	}
	if strings.Contains(s, "AKIA") || strings.Contains(s, "ASIA") {
		s = awsRE.ReplaceAllLiteralString(s, RedactedSecret)
	}
	if strings.Contains(s, "gh") {
		s = githubRE.ReplaceAllLiteralString(s, RedactedSecret)
	}
	if strings.Contains(s, "xox") {
		s = slackRE.ReplaceAllLiteralString(s, RedactedSecret)
	}
	if strings.Contains(s, "wm") {
		s = wingmanRE.ReplaceAllLiteralString(s, RedactedSecret)
	}
	if containsFold(s, "cookie") {
		s = cookieRE.ReplaceAllString(s, "${1}"+RedactedSecret)
	}
	s = redactKeyValues(s)
	if containsFold(s, "bearer") {
		s = bearerRE.ReplaceAllString(s, "${1}"+RedactedSecret)
	}
	if strings.Contains(s, "@") {
		s = emailRE.ReplaceAllStringFunc(s, func(m string) string {
			for _, u := range systemdUnits {
				if strings.HasSuffix(m, u) {
					return m
				}
			}
			return RedactedEmail
		})
	}
	if mayHaveIPv6(s) {
		s = redactIPv6(s)
	}
	s = redactIPv4(s)
	s = redactHex(s)
	return redactBase64(s)
}

// replaceSubmatches is ReplaceAllStringFunc with the submatch indexes,
// which the regexp package does not offer.
func replaceSubmatches(re *regexp.Regexp, s string, repl func(b *strings.Builder, m []int)) string {
	ms := re.FindAllStringSubmatchIndex(s, -1)
	if ms == nil {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	last := 0
	for _, m := range ms {
		b.WriteString(s[last:m[0]])
		repl(&b, m)
		last = m[1]
	}
	b.WriteString(s[last:])
	return b.String()
}

func redactKeyValues(s string) string {
	var b strings.Builder
	last := 0 // s[:last] is dealt with
	for i := 0; i < len(s); i++ {
		if !secretWordAt(s, i) {
			continue
		}
		bare := i
		for bare > last && isKeyByte(s[bare-1]) {
			bare--
		}
		quoted := bare
		if quoted > last && (s[quoted-1] == '"' || s[quoted-1] == '\'') {
			quoted--
			if quoted > last && s[quoted-1] == '\\' {
				quoted--
			}
		}
		start, m := quoted, kvRE.FindStringSubmatchIndex(s[quoted:])
		if m == nil && quoted != bare {
			start, m = bare, kvRE.FindStringSubmatchIndex(s[bare:])
		}
		if m == nil {
			continue
		}
		key, v := s[start+m[2]:start+m[3]], s[start+m[4]:start+m[5]]
		b.WriteString(s[last:start])
		b.WriteString(key)
		switch {
		case isHostPort(key, v):
			// The rest may still hold key=value pairs of its own.
			b.WriteString(redactKeyValues(v))
		case strings.HasPrefix(v, `\"`):
			b.WriteString(`\"` + RedactedSecret)
			if len(v) >= 4 && strings.HasSuffix(v, `\"`) {
				b.WriteString(`\"`)
			}
		case v[0] == '"' || v[0] == '\'':
			b.WriteString(v[:1] + RedactedSecret)
			if len(v) >= 2 && v[len(v)-1] == v[0] {
				b.WriteByte(v[0])
			}
		default:
			b.WriteString(RedactedSecret)
		}
		last = start + m[1]
		i = last - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// isHostPort reports whether a key and value that kvRE found are a host
// and port, as in auth.example.com:8443 (Authelia and friends are common
// in a homelab), rather than db.password:1234: a bare dotted key, no space
// after the colon, a number, and no secret word in the last label.
func isHostPort(key, v string) bool {
	if !strings.HasSuffix(key, ":") || !isDigit(v[0]) || strings.ContainsAny(key, `"'`) {
		return false
	}
	dot := strings.LastIndexByte(key, '.')
	if dot < 0 {
		return false
	}
	label := key[dot+1 : len(key)-1]
	for i := range len(label) {
		if secretWordAt(label, i) {
			return false
		}
	}
	return true
}

func redactIPv6(s string) string {
	return replaceSubmatches(ipv6RE, s, func(b *strings.Builder, m []int) {
		b.WriteString(s[m[2]:m[3]])
		cand := s[m[4]:m[5]]
		if m[5] < len(s) && isWordByte(s[m[5]]) {
			// Part of a longer word, as in bad::vector.
			b.WriteString(cand)
			return
		}
		if _, err := netip.ParseAddr(cand); err == nil {
			b.WriteString(RedactedIP)
			return
		}
		// "2001:db8::1: refused": the colon after an address is prose.
		if t := strings.TrimSuffix(cand, ":"); t != cand {
			if _, err := netip.ParseAddr(t); err == nil {
				b.WriteString(RedactedIP + ":")
				return
			}
		}
		b.WriteString(cand)
	})
}

// mayHaveIPv6 reports whether s has a run of hex digits, colons and dots
// with a :: or six colons, as every IPv6 address does, so that lines with
// only times and JSON keys are spared ipv6RE.
func mayHaveIPv6(s string) bool {
	colons := 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == ':':
			if colons++; colons >= 6 || i > 0 && s[i-1] == ':' {
				return true
			}
		case c == '.' || isHexByte(c):
		default:
			colons = 0
		}
	}
	return false
}

// redactIPv4 hides dotted quads. It is written out because it looks at
// every line, where a pattern would cost several times as much.
func redactIPv4(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || i > 0 && isWordByte(s[i-1]) {
			continue
		}
		n := ipv4Len(s[i:])
		if n == 0 {
			continue
		}
		b.WriteString(s[last:i])
		b.WriteString(RedactedIP)
		last = i + n
		i = last - 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// ipv4Len returns the length of the IPv4 address at the start of s, or 0.
// The address must end where a word does: 10.0.0.1 in 10.0.0.1:22 or in
// 10.0.0.1.5, not in 10.0.0.1a.
func ipv4Len(s string) int {
	i := 0
	for part := range 4 {
		if part > 0 {
			if i >= len(s) || s[i] != '.' {
				return 0
			}
			i++
		}
		j, v := i, 0
		for j < len(s) && j-i < 3 && isDigit(s[j]) {
			v = v*10 + int(s[j]-'0')
			j++
		}
		if j == i || v > 255 || j-i > 1 && s[i] == '0' {
			return 0
		}
		i = j
	}
	if i < len(s) && isWordByte(s[i]) {
		return 0
	}
	return i
}

// redactHex hides runs of 32 or more hex digits (keys, session ids,
// hashes of secrets) that stand alone between non-alphanumerics.
func redactHex(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isAlnum(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isAlnum(s[j]) {
			j++
		}
		run := s[i:j]
		if len(run) > 2 && run[0] == '0' && (run[1] == 'x' || run[1] == 'X') {
			run = run[2:]
		}
		if len(run) >= 32 && isHex(run) {
			b.WriteString(s[last:i])
			b.WriteString(RedactedSecret)
			last = j
		}
		i = j
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// redactBase64 hides runs of 32 or more base64 characters that look
// random rather than like a path or an identifier (see looksRandom).
func redactBase64(s string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(s); {
		if !isBase64(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && isBase64(s[j]) {
			j++
		}
		end := j
		for end < len(s) && end-j < 2 && s[end] == '=' {
			end++
		}
		if j-i >= 32 && looksRandom(s[i:j]) {
			b.WriteString(s[last:i])
			b.WriteString(RedactedSecret)
			last = end
		}
		i = end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// looksRandom tells random strings from paths and identifiers, which are
// also long runs of base64 characters: random text mixes upper case, lower
// case and digits, and changes between them about every other character
// (0.64 on average), where words change rarely (CamelCase about 0.3). The
// threshold lets about 1 in 150 random 32-character strings through, and
// fewer the longer they are.
func looksRandom(s string) bool {
	var upper, lower, digit bool
	pairs, changes := 0, 0
	prev := byte(0)
	for i := 0; i < len(s); i++ {
		c := charClass(s[i])
		switch c {
		case 'A':
			upper = true
		case 'a':
			lower = true
		case '0':
			digit = true
		}
		if c != 0 && prev != 0 {
			pairs++
			if c != prev {
				changes++
			}
		}
		prev = c
	}
	return upper && lower && digit && pairs > 0 && float64(changes) >= 0.35*float64(pairs)
}

func charClass(c byte) byte {
	switch {
	case 'A' <= c && c <= 'Z':
		return 'A'
	case 'a' <= c && c <= 'z':
		return 'a'
	case '0' <= c && c <= '9':
		return '0'
	}
	return 0
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func isAlnum(c byte) bool { return charClass(c) != 0 }

func isWordByte(c byte) bool { return c == '_' || isAlnum(c) }

func isBase64(c byte) bool { return c == '+' || c == '/' || c == '-' || c == '_' || isAlnum(c) }

func isHexByte(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isHexByte(s[i]) {
			return false
		}
	}
	return true
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// containsFold reports whether s contains sub, which must be lower-case
// ASCII, in any case. It spares the case-insensitive patterns a line that
// cannot match.
func containsFold(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if lowerASCII(s[i]) != sub[0] {
			continue
		}
		j := 1
		for j < len(sub) && lowerASCII(s[i+j]) == sub[j] {
			j++
		}
		if j == len(sub) {
			return true
		}
	}
	return false
}

// secretWords are the words of secretKey by their first letter, for
// secretWordAt.
var secretWords = func() (w [26][]string) {
	for _, s := range []string{"password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "api_key", "api-key",
		"accesskey", "access_key", "access-key", "privatekey", "private_key", "private-key", "auth", "session", "cookie", "credential"} {
		w[s[0]-'a'] = append(w[s[0]-'a'], s)
	}
	return w
}()

// secretWordAt reports whether one of secretWords, in any case, starts at
// s[i].
func secretWordAt(s string, i int) bool {
	c := lowerASCII(s[i])
	if c < 'a' || c > 'z' {
		return false
	}
	for _, w := range secretWords[c-'a'] {
		if len(s)-i >= len(w) && strings.EqualFold(s[i:i+len(w)], w) {
			return true
		}
	}
	return false
}

func isKeyByte(c byte) bool { return c == '.' || c == '-' || isWordByte(c) }

// keyBlock hides a private key logged over several lines: every line from
// the BEGIN line to the END line. If the END line never comes, it gives
// up after maxKeyLines so that a broken key cannot hide the log for good.
type keyBlock struct {
	open  bool
	lines int
}

// maxKeyLines is more than the base64 lines of an 8192-bit RSA key.
const maxKeyLines = 200

// redact returns the line redacted and whether it lay inside a key.
func (k *keyBlock) redact(line string) (string, bool) {
	if k.open {
		if loc := pemEndRE.FindStringIndex(line); loc != nil {
			k.open = false
			return RedactedSecret + k.redactRest(line[loc[1]:]), true
		}
		if k.lines++; k.lines >= maxKeyLines {
			k.open = false
		}
		return RedactedSecret, true
	}
	return k.redactRest(line), false
}

// redactRest redacts a line outside a key and notes whether a key begins
// in it and goes on past its end.
func (k *keyBlock) redactRest(line string) string {
	if strings.Contains(line, "PRIVATE KEY") {
		if locs := pemRE.FindAllStringIndex(line, -1); locs != nil {
			if last := line[locs[len(locs)-1][0]:locs[len(locs)-1][1]]; !pemEndRE.MatchString(last) {
				k.open, k.lines = true, 0
			}
		}
	}
	return Redact(line)
}
