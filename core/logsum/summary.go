// Package logsum turns the log lines a worker tails into the summaries it
// sends to the control plane: counts by level, message templates mined
// with Drain, and a few example lines.
//
// The privacy rule: a raw log line never leaves the site. Every line is
// passed through Redact before it is mined or kept as a sample, so that
// secrets, e-mail addresses and IP addresses are placeholders (<secret>,
// <email>, <ip>) in everything a Summarizer returns. Redaction errs on the
// side of hiding too much.
package logsum

import (
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Limits of a summary: the control plane's (domain), which refuses a
// summary over them; SampleLength is half its limit on a sample's length,
// and caps templates too.
const (
	MaxSamples   = domain.MaxLogSamples
	MaxTemplates = domain.MaxLogTemplates
	SampleLength = domain.MaxLogSampleLength / 2
)

// maxLine caps the raw line. What is beyond it is dropped before
// redaction, back to the last white space, so that no piece of a secret
// cut in two is left to slip past the patterns that know it whole.
const maxLine = 64 << 10

func capLine(line string) string {
	if len(line) <= maxLine {
		return line
	}
	i := strings.LastIndexAny(line[:maxLine], " \t")
	return line[:max(i, 0)]
}

// A Summarizer summarises one log source over windows of time: Add each
// line as it is read, and Flush at the end of each window. It keeps
// learning templates across windows; counts and samples start afresh.
//
// A Summarizer is safe for concurrent use, so that one goroutine may Add
// while another Flushes on a timer.
type Summarizer struct {
	mu        sync.Mutex
	source    string
	templates int
	samples   int
	miner     *Miner
	keys      keyBlock

	from, to time.Time // of the window; zero until known
	levels   map[string]int
	counts   map[int]*windowCount // by cluster id
	picked   []sample
}

type windowCount struct {
	template string // as last seen: the cluster may since be forgotten
	count    int
}

type sample struct {
	rank    int
	cluster int
	level   string
	text    string
}

// NewSummarizer returns a Summarizer for the log source named source (a
// file path, a unit or a container name; the control plane requires one).
func NewSummarizer(source string, opts Options) *Summarizer {
	opts = opts.withDefaults()
	s := &Summarizer{source: source, templates: opts.Templates, samples: opts.Samples, miner: NewMiner(opts)}
	s.reset()
	return s
}

func (s *Summarizer) reset() {
	s.levels = map[string]int{LevelError: 0, LevelWarn: 0, LevelInfo: 0, LevelDebug: 0, LevelUnknown: 0}
	s.counts = map[int]*windowCount{}
	s.picked = nil
}

// Add counts one line read at the given time. The line is redacted before
// anything of it is kept. Lines must come in the order of the log, so
// that a private key logged over several lines is recognised and hidden.
func (s *Summarizer) Add(line string, at time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	line = capLine(line)
	text, inKey := s.keys.redact(line)
	level := LevelUnknown
	if !inKey {
		level = Level(line)
	}
	s.levels[level]++
	c := s.miner.add(text)
	w := s.counts[c.id]
	if w == nil {
		if len(s.counts) >= 2*s.miner.maxClusters+s.templates {
			s.prune()
		}
		w = &windowCount{}
		s.counts[c.id] = w
	}
	w.count++
	w.template = c.template
	if !inKey {
		s.offer(level, c.id, text)
	}
	if !at.IsZero() {
		if s.from.IsZero() || at.Before(s.from) {
			s.from = at
		}
		if at.After(s.to) {
			s.to = at
		}
	}
}

// prune bounds the window's memory when more distinct messages arrive in
// it than the Miner keeps. Of the clusters the Miner has forgotten, only
// those that may still make the top templates stay; so a window's
// templates are exact as long as it has at most MaxClusters messages.
func (s *Summarizer) prune() {
	var gone []int
	for id := range s.counts {
		if _, ok := s.miner.clusters[id]; !ok {
			gone = append(gone, id)
		}
	}
	sort.Slice(gone, func(i, j int) bool {
		a, b := s.counts[gone[i]], s.counts[gone[j]]
		if a.count != b.count {
			return a.count > b.count
		}
		return gone[i] < gone[j]
	})
	for _, id := range gone[min(s.templates, len(gone)):] {
		delete(s.counts, id)
	}
}

// offer considers a line as a sample. Errors are preferred to warnings,
// and warnings to the rest; a better line displaces the latest of the
// worst, so that the first lines of a window stay. A template gives one
// sample: a second example of one message tells little.
func (s *Summarizer) offer(level string, cluster int, text string) {
	if s.samples == 0 {
		return
	}
	rank := 0
	switch level {
	case LevelError:
		rank = 2
	case LevelWarn:
		rank = 1
	}
	victim := -1
	for i, p := range s.picked {
		if p.cluster == cluster {
			if p.rank >= rank {
				return
			}
			victim = i
			break
		}
	}
	if victim < 0 && len(s.picked) < s.samples {
		s.picked = append(s.picked, sample{})
		victim = len(s.picked) - 1
	}
	if victim < 0 {
		for i, p := range s.picked {
			if p.rank < rank && (victim < 0 || p.rank <= s.picked[victim].rank) {
				victim = i
			}
		}
	}
	if victim < 0 {
		return
	}
	s.picked[victim] = sample{rank: rank, cluster: cluster, level: level, text: cut(text, SampleLength)}
}

// Flush returns the summary of the window that ends now and starts a new
// one. From is the start of the window: the previous Flush, or the first
// line's time before the first Flush, or earlier if a line said so. To is
// now, or later if a line said so. An empty window has all levels zero;
// callers may skip sending it.
func (s *Summarizer) Flush(now time.Time) domain.LogSummary {
	s.mu.Lock()
	defer s.mu.Unlock()
	from, to := s.from, now
	if from.IsZero() {
		from = now
	}
	if s.to.After(to) {
		to = s.to
	}
	sum := domain.LogSummary{Source: s.source, From: from, To: to, Levels: s.levels}

	counts := map[string]int{}
	for _, w := range s.counts {
		counts[cut(w.template, SampleLength)] += w.count
	}
	sum.Templates = sortTemplates(counts, s.templates)

	picked := append([]sample(nil), s.picked...)
	sort.SliceStable(picked, func(i, j int) bool { return picked[i].rank > picked[j].rank })
	for _, p := range picked {
		sum.Samples = append(sum.Samples, domain.RedactedSample{Level: p.level, Text: p.text})
	}

	s.reset()
	s.from, s.to = now, time.Time{}
	return sum
}
