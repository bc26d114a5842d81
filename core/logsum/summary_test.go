package logsum

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/ingest"
)

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// encode is the summary as the control plane reads it, with < > & left
// alone so that a secret cannot hide behind JSON's escapes.
func encode(t *testing.T, s domain.LogSummary) string {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestNoRawLineLeaves feeds a log full of secrets through a Summarizer and
// looks for every one of them in what it would send.
func TestNoRawLineLeaves(t *testing.T) {
	t.Parallel()
	pem := strings.Split(testPEM, "\n")
	type line struct{ text, level string }
	var log []line
	for i := range 3 {
		log = append(log,
			line{fmt.Sprintf("2026-03-14 09:00:0%d INFO user alice.liddell@example.com logged in from 192.168.1.5%d", i, i), LevelInfo},
			line{fmt.Sprintf("2026-03-14 09:00:0%d ERROR db: dial postgres://admin:Sup3rS3cret%d@10.0.0.5:5432/app failed", i, i), LevelError},
			line{fmt.Sprintf(`{"level":"warn","msg":"retrying","password":"hunter2-pass%d","aws":"%s"}`, i, testAWS), LevelWarn},
			line{fmt.Sprintf(`time=2026-03-14T09:00:0%dZ level=ERROR msg="upstream refused" header="Authorization: Bearer %s"`, i, testJWT), LevelError},
			line{"2026-03-14 09:00:00 DEBUG cloning with token=" + testGitHub, LevelDebug},
			line{"notify: slack " + testSlack + " worker " + testWMW + " admin " + testWM, LevelUnknown},
			line{"WARN peer 2001:db8::42 reset, session cookie: Cookie: sid=" + testHex, LevelWarn},
			line{"E0314 09:00:00.000000 1 client.go:12] key " + testB64 + " rejected, api_key=sk_test_4eC39HqLyjWDarjtT1zdp7dc", LevelError},
			line{"Jan 14 09:00:00 nas sshd[4242]: Failed password for carol from 203.0.113.77 port 5022 ssh2", LevelUnknown},
			line{"<3>kernel: mail root@nas.home.arpa: disk sdb failing", LevelError},
		)
		for _, p := range pem {
			log = append(log, line{p, LevelUnknown})
		}
	}
	secrets := []string{"alice", "liddell", "example.com", "192.168.1.5", "Sup3rS3cret", "admin:", "10.0.0.5",
		"hunter2", testAWS, "eyJhbGci", "eyJzdWIi", "SflKxwRJ", testGitHub, "xoxb", testSlack[5:], testWMW, testWM,
		"2001:db8", testHex, "8f14", testB64[:20], "sk_test", "4eC39HqLyjWDarjtT1zdp7dc", "203.0.113.77", "root@", "nas.home.arpa"}
	for _, p := range pem {
		secrets = append(secrets, strings.Trim(p, "-"))
	}

	s := NewSummarizer("/var/log/app.log", Options{Samples: MaxSamples, Templates: MaxTemplates})
	wantLevels := map[string]int{LevelError: 0, LevelWarn: 0, LevelInfo: 0, LevelDebug: 0, LevelUnknown: 0}
	for i, l := range log {
		s.Add(l.text, t0.Add(time.Duration(i)*time.Second))
		wantLevels[l.level]++
	}
	sum := s.Flush(t0.Add(time.Hour))
	out := encode(t, sum)
	for _, secret := range secrets {
		if strings.Contains(out, secret) {
			t.Errorf("the summary contains %q:\n%s", secret, out)
		}
	}
	if fmt.Sprint(sum.Levels) != fmt.Sprint(wantLevels) {
		t.Errorf("levels = %v, want %v", sum.Levels, wantLevels)
	}
	total := 0
	for _, tp := range sum.Templates {
		total += tp.Count
	}
	if total != len(log) {
		t.Errorf("templates count %d lines, want %d", total, len(log))
	}
	for _, want := range []string{"<email>", "<ip>", "<secret>", "logged in from"} {
		if !strings.Contains(out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, out)
		}
	}
	if len(sum.Samples) == 0 {
		t.Error("no samples")
	}
}

// TestSummaryFitsLimits builds the largest summary a Summarizer makes and
// has the control plane's decoder and limits judge it.
func TestSummaryFitsLimits(t *testing.T) {
	t.Parallel()
	if MaxSamples != ingest.MaxSamples || MaxTemplates != ingest.MaxTemplates || SampleLength > ingest.MaxSampleLength {
		t.Fatalf("limits %d, %d, %d disagree with ingest's %d, %d, %d",
			MaxSamples, MaxTemplates, SampleLength, ingest.MaxSamples, ingest.MaxTemplates, ingest.MaxSampleLength)
	}
	s := NewSummarizer("app", Options{Samples: 1000, Templates: 100000})
	// Long lines of many shapes (first token and token count), in bytes
	// that grow in JSON if left as they are: multi-byte runes, invalid
	// UTF-8, control characters.
	for i := range 3000 {
		word := fmt.Sprintf("w%c%c", 'a'+i%26, 'a'+i/26%26)
		line := fmt.Sprintf("%s ERROR %s%s", word, strings.Repeat("ü ", i%300), strings.Repeat("\xff\xfe\x01ünïcødé", 80))
		s.Add(line, t0)
	}
	sum := s.Flush(t0.Add(time.Minute))
	if len(sum.Samples) != MaxSamples || len(sum.Templates) != MaxTemplates {
		t.Errorf("%d samples and %d templates, want %d and %d", len(sum.Samples), len(sum.Templates), MaxSamples, MaxTemplates)
	}

	payload, err := json.Marshal(domain.LogsPayload{Summaries: []domain.LogSummary{sum}})
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(domain.Envelope{WorkerID: "w1", Timestamp: t0, PayloadType: domain.PayloadLogs, Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	env, err := ingest.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	var got domain.LogsPayload
	dec := json.NewDecoder(bytes.NewReader(env.Payload))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&got); err != nil {
		t.Fatal(err)
	}
	back := got.Summaries[0]
	if back.Source == "" || len(back.Samples) > ingest.MaxSamples || len(back.Templates) > ingest.MaxTemplates {
		t.Errorf("source %q, %d samples, %d templates", back.Source, len(back.Samples), len(back.Templates))
	}
	for _, smp := range back.Samples {
		if len(smp.Text) > SampleLength || !utf8.ValidString(smp.Text) {
			t.Errorf("a sample of %d bytes (valid UTF-8: %v) after decoding", len(smp.Text), utf8.ValidString(smp.Text))
		}
	}
	for _, tp := range back.Templates {
		if len(tp.Template) > SampleLength {
			t.Errorf("a template of %d bytes", len(tp.Template))
		}
	}
	if len(body) > 1<<20 {
		t.Errorf("the envelope is %d bytes, over the default body limit", len(body))
	}
}

func TestSamples(t *testing.T) {
	t.Parallel()
	s := NewSummarizer("app", Options{Samples: 3})
	s.Add("INFO started worker pool with 4 workers", t0)
	s.Add("INFO listening on 10.0.0.1:8080", t0)
	s.Add("INFO tick number 1 done", t0)
	s.Add("INFO tick number 2 done", t0)
	s.Add("WARN disk /data at 91 percent", t0)
	s.Add("ERROR cannot reach db at db.lan password=hunter2", t0)
	s.Add("ERROR cannot reach db at db.lan password=swordfish", t0)
	s.Add("INFO stopping", t0)
	sum := s.Flush(t0.Add(time.Minute))
	want := []domain.RedactedSample{
		{Level: LevelError, Text: "ERROR cannot reach db at db.lan password=<secret>"},
		{Level: LevelWarn, Text: "WARN disk /data at 91 percent"},
		{Level: LevelInfo, Text: "INFO started worker pool with 4 workers"},
	}
	if fmt.Sprint(sum.Samples) != fmt.Sprint(want) {
		t.Errorf("samples =\n%v\nwant\n%v", sum.Samples, want)
	}

	s = NewSummarizer("app", Options{Samples: -1})
	s.Add("ERROR boom", t0)
	if sum := s.Flush(t0); sum.Samples != nil {
		t.Errorf("Samples: -1 gave %v", sum.Samples)
	}

	s = NewSummarizer("app", Options{})
	s.Add("ERROR "+strings.Repeat("é", SampleLength), t0)
	if smp := s.Flush(t0).Samples[0].Text; len(smp) > SampleLength || !utf8.ValidString(smp) {
		t.Errorf("a sample of %d bytes, valid UTF-8 %v", len(smp), utf8.ValidString(smp))
	}
}

func TestWindows(t *testing.T) {
	t.Parallel()
	s := NewSummarizer("app", Options{Templates: 2})
	empty := s.Flush(t0)
	if !empty.From.Equal(t0) || !empty.To.Equal(t0) || empty.Levels[LevelUnknown] != 0 || len(empty.Levels) != 5 || empty.Templates != nil {
		t.Errorf("empty window = %+v", empty)
	}

	for i := range 5 {
		s.Add(fmt.Sprintf("INFO job %d done", i), t0.Add(time.Duration(i+1)*time.Second))
	}
	s.Add("WARN job slow", t0.Add(10*time.Second))
	s.Add("ERROR job failed", t0.Add(11*time.Second))
	s.Add("ERROR job failed", t0.Add(12*time.Second))
	first := s.Flush(t0.Add(time.Minute))
	if !first.From.Equal(t0) || !first.To.Equal(t0.Add(time.Minute)) {
		t.Errorf("first window %v to %v", first.From, first.To)
	}
	wantT := []domain.LogTemplate{{Template: "INFO job <*> done", Count: 5}, {Template: "ERROR job failed", Count: 2}}
	if fmt.Sprint(first.Templates) != fmt.Sprint(wantT) || first.Levels[LevelInfo] != 5 || first.Levels[LevelError] != 2 || first.Levels[LevelWarn] != 1 {
		t.Errorf("first window: templates %v, levels %v", first.Templates, first.Levels)
	}

	// The next window counts afresh but remembers the templates it learnt.
	s.Add("INFO job 99 done", t0.Add(2*time.Minute))
	second := s.Flush(t0.Add(3 * time.Minute))
	if !second.From.Equal(t0.Add(time.Minute)) || !second.To.Equal(t0.Add(3*time.Minute)) {
		t.Errorf("second window %v to %v", second.From, second.To)
	}
	if fmt.Sprint(second.Templates) != "[{INFO job <*> done 1}]" || second.Levels[LevelInfo] != 1 || second.Levels[LevelError] != 0 ||
		len(second.Samples) != 1 {
		t.Errorf("second window: %+v", second)
	}
	// A line from before the window, or after its end, widens it.
	s.Add("INFO late", t0)
	s.Add("INFO early", t0.Add(time.Hour))
	third := s.Flush(t0.Add(4 * time.Minute))
	if !third.From.Equal(t0) || !third.To.Equal(t0.Add(time.Hour)) {
		t.Errorf("third window %v to %v", third.From, third.To)
	}
}

// The templates of a window outlive their clusters.
func TestWindowOutlivesClusters(t *testing.T) {
	t.Parallel()
	s := NewSummarizer("app", Options{MaxClusters: 2})
	s.Add("alpha one", t0)
	s.Add("beta two", t0)
	s.Add("gamma three", t0)
	got := s.Flush(t0).Templates
	if len(got) != 3 {
		t.Errorf("templates = %v, want all three", got)
	}
}

func TestSummarizerConcurrent(t *testing.T) {
	t.Parallel()
	s := NewSummarizer("app", Options{})
	lines := mixedLog(400)
	var wg sync.WaitGroup
	total := 0
	var mu sync.Mutex
	for g := range 4 {
		wg.Go(func() {
			for _, l := range lines[g*100 : (g+1)*100] {
				s.Add(l, t0)
			}
		})
	}
	wg.Go(func() {
		for range 10 {
			sum := s.Flush(t0)
			mu.Lock()
			for _, n := range sum.Levels {
				total += n
			}
			mu.Unlock()
		}
	})
	wg.Wait()
	for _, n := range s.Flush(t0).Levels {
		total += n
	}
	if total != len(lines) {
		t.Errorf("%d lines counted, want %d", total, len(lines))
	}
}

// A window of more distinct messages than the Miner keeps stays bounded
// and still counts every line by level.
func TestWindowBounded(t *testing.T) {
	t.Parallel()
	s := NewSummarizer("app", Options{MaxClusters: 10, Templates: 5})
	s.Add("frequent message here", t0)
	s.Add("frequent message here", t0)
	for i := range 1000 {
		s.Add(fmt.Sprintf("INFO unique%c%c%c message", 'a'+i%26, 'a'+i/26%26, 'a'+i/676), t0)
		if n := len(s.counts); n > 2*10+5 {
			t.Fatalf("the window holds %d templates", n)
		}
	}
	sum := s.Flush(t0)
	if sum.Levels[LevelInfo] != 1000 || sum.Levels[LevelUnknown] != 2 {
		t.Errorf("levels = %v", sum.Levels)
	}
	if len(sum.Templates) != 5 || sum.Templates[0] != (domain.LogTemplate{Template: "frequent message here", Count: 2}) {
		t.Errorf("templates = %v", sum.Templates)
	}
}
