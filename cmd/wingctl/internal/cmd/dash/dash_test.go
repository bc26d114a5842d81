package dash

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/dashboards/dashtest"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestNewCmdDash(t *testing.T) {
	tests := []struct {
		args      string
		want      DashOptions
		wantUsage bool
	}{
		{args: "", want: DashOptions{Template: "overview"}},
		{args: "containers", want: DashOptions{Template: "containers"}},
		{args: "-f nas.yaml", want: DashOptions{File: "nas.yaml"}},
		{args: "--file - --width 120", want: DashOptions{File: "-", Width: 120}},
		{args: "containers -f nas.yaml", wantUsage: true},
		{args: "overview containers", wantUsage: true},
		{args: "--width 10", wantUsage: true},
		{args: "--width 5000", wantUsage: true},
		{args: "--width wide", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdDash, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.Template != tt.want.Template || got.File != tt.want.File || got.Width != tt.want.Width {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

// run runs "wingctl dash" against f's server as a script would, with
// times shown in UTC.
func run(f *cmdutil.Factory, template, file string, width int) error {
	return dashRun(context.Background(), &DashOptions{IO: f.IOStreams, Client: f.Client, Format: f.Format(), Getenv: f.Getenv,
		Location: time.UTC, Template: template, File: file, Width: width})
}

func TestDashRun(t *testing.T) {
	f, out, _ := apitest.Dashboards(t, output.Table)
	if err := run(f, "overview", "", 100); err != nil {
		t.Fatal(err)
	}
	got := out.String()
	for i, l := range strings.Split(got, "\n") {
		if ansi.StringWidth(l) > 100 {
			t.Errorf("line %d is wider than 100: %q", i, l)
		}
	}
	if strings.Contains(got, "\x1b[") {
		t.Error("escape sequences off a terminal")
	}
	golden(t, "overview-100.golden", got)

	// NO_COLOR on a terminal writes plain text too.
	f, out, _ = apitest.Dashboards(t, output.Table)
	f.IOStreams.SetStdoutTTY(true)
	f.Getenv = func(k string) string { return map[string]string{"NO_COLOR": "1"}[k] }
	if err := run(f, "workers", "", 0); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "\x1b[") || !strings.Contains(out.String(), "Workers and sites") {
		t.Errorf("with NO_COLOR:\n%s", out)
	}
}

func TestDashRunJSON(t *testing.T) {
	f, out, _ := apitest.Dashboards(t, output.JSON)
	if err := run(f, "overview", "", 0); err != nil {
		t.Fatal(err)
	}
	var d struct {
		Title    string `json:"title"`
		Sections []struct {
			Components []struct {
				Title string `json:"title"`
				Data  struct {
					Integer struct{ Value int } `json:"integer"`
				} `json:"data"`
			} `json:"components"`
		} `json:"sections"`
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil || d.Title != "Overview" {
		t.Fatalf("json = %s (%v)", out, err)
	}
	if c := d.Sections[0].Components[0]; c.Title != "Running containers" || c.Data.Integer.Value != dashtest.RunningContainers {
		t.Errorf("first component = %+v", c)
	}

	f, out, _ = apitest.Dashboards(t, output.YAML)
	if err := run(f, "overview", "", 0); err != nil || !strings.Contains(out.String(), "title: Overview\n") {
		t.Errorf("yaml = %s (%v)", out, err)
	}
}

func TestDashRunSpecFile(t *testing.T) {
	dir := t.TempDir()
	good, bad := filepath.Join(dir, "mine.yaml"), filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(good, []byte("title: Mine\nsections:\n  - name: Now\n    components:\n"+
		"      - {type: stat_card, title: Unresolved, query: incidents.open}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("title: Bad\nsections:\n  - name: Now\n    components:\n"+
		"      - {type: stat_card, title: Lost, query: nope.nothing}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	f, out, _ := apitest.Dashboards(t, output.Table)
	if err := run(f, "", good, 60); err != nil || !strings.Contains(out.String(), "Unresolved") || !strings.Contains(out.String(), "│ 3 ") {
		t.Errorf("spec file: %v\n%s", err, out)
	}

	f, out, errOut := apitest.Dashboards(t, output.Table)
	err := run(f, "", bad, 60)
	want := "wingctl: the server refused " + bad + ":\n" + bad + `: sections[0].components[0].query: "nope.nothing" is not a named query`
	if !errors.Is(err, cmdutil.ErrSilent) || cmdutil.ExitCode(err) != 1 || out.Len() != 0 || !strings.HasPrefix(errOut.String(), want) {
		t.Errorf("refused spec: err %v, out %q, errOut:\n%s\nwant it to start:\n%s", err, out, errOut, want)
	}

	err = run(f, "nope", "", 60)
	if cmdutil.ExitCode(err) != cmdutil.ExitNotFound {
		t.Errorf("unknown template: %v (exit %d)", err, cmdutil.ExitCode(err))
	}
}

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/wingctl/internal/cmd/dash -update writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test ./cmd/wingctl/internal/cmd/dash -update rewrites it); printed:\n%s", path, got)
	}
}
