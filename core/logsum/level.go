package logsum

import (
	"regexp"
	"strings"
)

// The levels Level returns. A summary counts lines under these five names.
const (
	LevelError   = "error"
	LevelWarn    = "warn"
	LevelInfo    = "info"
	LevelDebug   = "debug"
	LevelUnknown = "unknown"
)

// levelWords maps the level names of common loggers, lower-cased, to ours:
// syslog and Apache (emerg…debug), logrus's four-letter forms (ERRO, WARN,
// DEBU), Serilog's three-letter ones (ERR, WRN, DBG), zap (DPANIC), Java
// (SEVERE, FINE) and the rest.
var levelWords = map[string]string{
	"emerg": LevelError, "emergency": LevelError, "alert": LevelError, "crit": LevelError, "critical": LevelError,
	"error": LevelError, "err": LevelError, "erro": LevelError, "eror": LevelError, "fatal": LevelError, "fata": LevelError,
	"ftl": LevelError, "panic": LevelError, "pani": LevelError, "dpanic": LevelError, "severe": LevelError,
	"warn": LevelWarn, "warning": LevelWarn, "wrn": LevelWarn,
	"info": LevelInfo, "inf": LevelInfo, "information": LevelInfo, "informational": LevelInfo, "notice": LevelInfo,
	"debug": LevelDebug, "debu": LevelDebug, "dbg": LevelDebug, "trace": LevelDebug, "trac": LevelDebug, "trc": LevelDebug,
	"verbose": LevelDebug, "vrb": LevelDebug, "fine": LevelDebug, "finer": LevelDebug, "finest": LevelDebug,
}

// letterLevels are the one-letter levels, upper case and in brackets only
// ([E], [W]); anywhere else a single letter means nothing.
var letterLevels = map[byte]string{'E': LevelError, 'F': LevelError, 'C': LevelError, 'W': LevelWarn,
	'I': LevelInfo, 'N': LevelInfo, 'D': LevelDebug, 'T': LevelDebug, 'V': LevelDebug}

// syslogSeverity maps a syslog severity (PRI mod 8, or journald's
// PRIORITY) to a level.
var syslogSeverity = [8]string{LevelError, LevelError, LevelError, LevelError, LevelWarn, LevelInfo, LevelInfo, LevelDebug}

var (
	// level=warn, "level":"WARN", lvl=E, severity: error, slog's
	// level=WARN+2, journald's "PRIORITY":"3". Anchored, and tried where
	// keyedLevel finds a key, for speed.
	keyedLevelRE = regexp.MustCompile(`^(?i)(levelname|level|lvl|severity|loglevel|log_level|priority)"?\s*[=:]\s*"?([a-z]+|[0-7]\b)`)
	// The status of the Common and Combined Log Formats (nginx, Apache,
	// Traefik access logs): "GET / HTTP/1.1" 502.
	accessLogRE = regexp.MustCompile(`"[A-Z]+ \S+ HTTP/[0-9.]+" ([1-5])\d\d `)
)

// Level guesses the level of a log line: one of LevelError, LevelWarn,
// LevelInfo, LevelDebug or LevelUnknown. It knows syslog's <PRI>, keyed
// levels (logfmt, slog's text and JSON, JSON loggers), klog's I0102
// prefix, bracketed levels ([error] of nginx, [core:warn] of Apache, [W]),
// upper-case level words (ERROR, WARNING:, INFO[0000]), "error:" and
// friends, and the status of access logs (5xx error, 4xx warn).
//
// The first sign in that order wins: a structured level is believed over
// a word in the message.
func Level(line string) string {
	if l := syslogLevel(line); l != "" {
		return l
	}
	if l := keyedLevel(line); l != "" {
		return l
	}
	if l := klogLevel(line); l != "" {
		return l
	}
	if strings.Contains(line, " HTTP/") {
		if m := accessLogRE.FindStringSubmatch(line); m != nil {
			switch m[1] {
			case "5":
				return LevelError
			case "4":
				return LevelWarn
			}
			return LevelInfo
		}
	}
	if l := scanLevel(line); l != "" {
		return l
	}
	if strings.HasPrefix(line, "Traceback (most recent call last)") {
		return LevelError
	}
	return LevelUnknown
}

// syslogLevel reads a leading <PRI>, as in kernel and raw syslog lines.
func syslogLevel(line string) string {
	if len(line) < 3 || line[0] != '<' {
		return ""
	}
	pri := 0
	for i := 1; i < len(line) && i <= 4; i++ {
		switch c := line[i]; {
		case c == '>' && i > 1 && pri <= 191:
			return syslogSeverity[pri%8]
		case isDigit(c):
			pri = pri*10 + int(c-'0')
		default:
			return ""
		}
	}
	return ""
}

func keyedLevel(line string) string {
	for i := 0; i < len(line); i++ {
		if i > 0 && isWordByte(line[i-1]) || len(line)-i < len("lvl=E") {
			continue
		}
		switch strings.ToLower(line[i : i+3]) {
		case "lev", "lvl", "sev", "log", "pri":
		default:
			continue
		}
		m := keyedLevelRE.FindStringSubmatch(line[i:])
		if m == nil {
			continue
		}
		v := m[2]
		if isDigit(v[0]) {
			// Only journald's PRIORITY is a number we know; level=3 may
			// be anything.
			if strings.EqualFold(m[1], "priority") {
				return syslogSeverity[v[0]-'0']
			}
			continue
		}
		if l := levelWord(v); l != "" {
			return l
		}
		if len(v) == 1 {
			if l := letterLevels[v[0]&^0x20]; l != "" {
				return l
			}
		}
	}
	return ""
}

// klogLevel reads the prefix of klog and glog (Kubernetes): E0102 15:04:05.
func klogLevel(line string) string {
	if len(line) < 14 || line[5] != ' ' || line[8] != ':' {
		return ""
	}
	for i := 1; i < 5; i++ {
		if !isDigit(line[i]) {
			return ""
		}
	}
	switch line[0] {
	case 'E', 'F':
		return LevelError
	case 'W':
		return LevelWarn
	case 'I':
		return LevelInfo
	}
	return ""
}

// scanLevel goes through the line once, left to right, for a bracketed
// level, an upper-case level word, or a level word followed by a colon
// ("error: ", "Warning:"), and returns the first it finds.
func scanLevel(line string) string {
	first := true
	for i := 0; i < len(line); {
		c := line[i]
		if c == '[' {
			if l := bracketLevel(line[i+1:]); l != "" {
				return l
			}
			i++
			continue
		}
		if charClass(c) != 'A' && charClass(c) != 'a' {
			i++
			continue
		}
		j := i
		upper := true
		for j < len(line) && (charClass(line[j]) == 'A' || charClass(line[j]) == 'a') {
			upper = upper && charClass(line[j]) == 'A'
			j++
		}
		word := line[i:j]
		if upper && len(word) >= 3 {
			if l := levelWord(word); l != "" {
				return l
			}
		} else if l := proseLevel(word); l != "" && j < len(line) && (line[j] == ':' || first && line[j] == ' ') {
			// "error: disk full", "Warning: …", or a line that starts
			// with the word: "Error connecting to …".
			return l
		}
		first = false
		i = j
	}
	return ""
}

// bracketLevel reads a level from the text after a '[': [error], [ WARN ],
// [W], and Apache's [module:level].
func bracketLevel(s string) string {
	end := strings.IndexByte(s, ']')
	if end < 0 || end > 32 {
		return ""
	}
	w := s[:end]
	if i := strings.LastIndexByte(w, ':'); i >= 0 {
		w = w[i+1:]
	}
	w = strings.TrimSpace(w)
	if len(w) == 1 {
		return letterLevels[w[0]]
	}
	return levelWord(w)
}

// proseLevel knows the few level words that mean a level in running
// text, in any case, when a colon follows them or they start the line.
func proseLevel(w string) string {
	for _, p := range [...]struct{ word, level string }{
		{"error", LevelError}, {"fatal", LevelError}, {"panic", LevelError}, {"critical", LevelError},
		{"warning", LevelWarn}, {"warn", LevelWarn},
	} {
		if strings.EqualFold(w, p.word) {
			return p.level
		}
	}
	return ""
}

// levelWord looks w up in levelWords whatever its case.
func levelWord(w string) string {
	if len(w) < 3 || len(w) > len("informational") {
		return ""
	}
	var buf [len("informational")]byte
	for i := 0; i < len(w); i++ {
		buf[i] = lowerASCII(w[i])
	}
	return levelWords[string(buf[:len(w)])]
}
