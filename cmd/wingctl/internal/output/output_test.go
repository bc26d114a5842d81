package output

import (
	"bytes"
	"io"
	"testing"
	"time"
)

type sample struct {
	Name  string            `json:"name"`
	Count int               `json:"count"`
	Word  string            `json:"word"`
	Text  string            `json:"text,omitempty"`
	Tags  []string          `json:"tags"`
	Attrs map[string]string `json:"attrs"`
}

func TestPrint(t *testing.T) {
	v := sample{Name: "nginx", Count: 3, Word: "true", Text: "two\nlines", Tags: []string{"a"}, Attrs: map[string]string{}}
	tests := []struct {
		format Format
		want   string
	}{
		{JSON, "{\n  \"name\": \"nginx\",\n  \"count\": 3,\n  \"word\": \"true\",\n  \"text\": \"two\\nlines\",\n  \"tags\": [\n    \"a\"\n  ],\n  \"attrs\": {}\n}\n"},
		{YAML, "name: nginx\ncount: 3\nword: \"true\"\ntext: |-\n  two\n  lines\ntags:\n  - a\nattrs: {}\n"},
		{Table, "NAME   COUNT\nnginx  3\n"},
	}
	for _, tt := range tests {
		t.Run(string(tt.format), func(t *testing.T) {
			var buf bytes.Buffer
			err := Print(&buf, tt.format, v, func(w io.Writer) error {
				tp := NewTable(w, "NAME", "COUNT")
				tp.Row(v.Name, "3")
				return tp.Flush()
			})
			if err != nil {
				t.Fatal(err)
			}
			if buf.String() != tt.want {
				t.Errorf("got\n%s\nwant\n%s", buf.String(), tt.want)
			}
		})
	}
}

func TestTableKeepsOneValuePerCell(t *testing.T) {
	var buf bytes.Buffer
	tp := NewTable(&buf, "A", "B")
	tp.Row("x\ty", "")
	tp.Row("two\nlines", "z")
	_ = tp.Flush()
	want := "A          B\nx y        -\ntwo lines  z\n"
	if buf.String() != want {
		t.Errorf("got\n%q\nwant\n%q", buf.String(), want)
	}
}

func TestFormatSet(t *testing.T) {
	var f Format
	if err := f.Set("yaml"); err != nil || f != YAML {
		t.Errorf("Set(yaml) = %v, %q", err, f)
	}
	if err := f.Set("xml"); err == nil {
		t.Error("Set(xml) accepted")
	}
}

func TestAgo(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *time.Time { t := now.Add(d); return &t }
	tests := []struct {
		t    *time.Time
		want string
	}{
		{nil, "never"},
		{&time.Time{}, "never"},
		{at(0), "just now"},
		{at(-12 * time.Second), "12s ago"},
		{at(-90 * time.Second), "1m ago"},
		{at(-3 * time.Hour), "3h ago"},
		{at(-50 * time.Hour), "2d ago"},
		{at(55 * time.Minute), "in 55m"},
	}
	for _, tt := range tests {
		if got := Ago(now, tt.t); got != tt.want {
			t.Errorf("Ago(%v) = %q, want %q", tt.t, got, tt.want)
		}
	}
	if got := Stamp(now, at(-5*time.Minute)); got != "2026-03-01T11:55:00Z (5m ago)" {
		t.Errorf("Stamp = %q", got)
	}
}
