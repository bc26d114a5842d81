package dashboards

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/dashboards/spec"
	"github.com/wingman-dev/wingman/dashboards/templates"
)

func TestNewCmdShow(t *testing.T) {
	if got, err := apitest.ParseOptions(output.Table, NewCmdShow, "overview"); err != nil || got.Name != "overview" {
		t.Errorf("options = %+v, err = %v", got, err)
	}
	_, err := apitest.ParseOptions(output.Table, NewCmdShow, "")
	apitest.WantUsage(t, err)
}

func TestNewCmdValidate(t *testing.T) {
	tests := []struct {
		args      string
		want      ValidateOptions
		wantUsage bool
	}{
		{args: "nas.yaml", want: ValidateOptions{File: "nas.yaml"}},
		{args: "- --queries q.yaml", want: ValidateOptions{File: "-", Queries: "q.yaml"}},
		{args: "", wantUsage: true},
		{args: "a.yaml b.yaml", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.JSON, NewCmdValidate, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.File != tt.want.File || got.Queries != tt.want.Queries || got.Format != output.JSON {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	f, out, _ := apitest.Dashboards(t, output.Table)
	if err := apitest.Run(NewCmdList(f, nil), ""); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(templates.Names())+1 || !strings.HasPrefix(lines[0], "NAME        TITLE") {
		t.Fatalf("out:\n%s", out)
	}
	for i, name := range templates.Names() {
		if !strings.HasPrefix(lines[i+1], name+" ") {
			t.Errorf("line %d = %q, want %s", i+1, lines[i+1], name)
		}
	}
	if !strings.Contains(out.String(), "overview    Overview           What runs, what broke") {
		t.Errorf("the overview's row:\n%s", out)
	}
}

func TestShowRun(t *testing.T) {
	f, out, _ := apitest.Dashboards(t, output.Table)
	if err := apitest.Run(NewCmdShow(f, nil), "containers"); err != nil {
		t.Fatal(err)
	}
	if src, _ := templates.Source("containers"); out.String() != string(src) {
		t.Errorf("out:\n%s\nwant the template's YAML:\n%s", out, src)
	}
	err := apitest.Run(NewCmdShow(f, nil), "nope")
	if cmdutil.ExitCode(err) != cmdutil.ExitNotFound || !strings.Contains(err.Error(), "overview") {
		t.Errorf("unknown = %v (exit %d), want exit 4 naming the templates there are", err, cmdutil.ExitCode(err))
	}
}

func TestSchemaRun(t *testing.T) {
	f, out, _ := apitest.NewFactory("http://unused", "t", output.Table)
	if err := apitest.Run(NewCmdSchema(f, nil), ""); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out.Bytes(), spec.Schema()) || !json.Valid(out.Bytes()) {
		t.Errorf("out is not the spec's schema:\n%s", out)
	}
}

func write(t *testing.T, name, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

const badSpec = `title: Bad
sections:
  - name: One
    columns: 9
    components:
      - {type: pie, title: Pie, query: containers.active}
      - {type: line_chart, title: Line, query: containers.list}
`

func TestValidateRun(t *testing.T) {
	good, _ := templates.Source("overview")
	goodFile, badFile := write(t, "good.yaml", string(good)), write(t, "bad.yaml", badSpec)
	backups := write(t, "queries.yaml", `
backups.failed:
  description: Backup containers that exited.
  returns: integer
  sql: SELECT COUNT(*) FROM facts WHERE type = 'container' AND name LIKE 'backup%' AND status = 'exited'
`)
	usesBackups := write(t, "backups.yaml", "title: Backups\nsections:\n  - name: Now\n    components:\n"+
		"      - {type: stat_card, title: Failed, query: backups.failed}\n")

	tests := []struct {
		name, args  string
		stdin       string
		format      output.Format
		wantOut     string
		wantErrOut  string
		wantInvalid bool
	}{
		{name: "valid", args: goodFile, format: output.Table,
			wantErrOut: goodFile + " is a valid dashboard spec: 3 sections, 8 components.\n"},
		{name: "every problem by path", args: badFile, format: output.Table, wantInvalid: true,
			wantOut: badFile + `: sections[0].columns: 9 is out of bounds; use 1 to 4
` + badFile + `: sections[0].components[0].type: "pie" is not a component; use one of bar_chart, heatmap, line_chart, list, stat_card, table, timeline, topology
`},
		{name: "stdin", args: "-", stdin: badSpec, format: output.Table, wantInvalid: true},
		{name: "an admin's query without its file", args: usesBackups, format: output.Table, wantInvalid: true},
		{name: "an admin's query with its file", args: usesBackups + " --queries " + backups, format: output.Table,
			wantErrOut: usesBackups + " is a valid dashboard spec: 1 section, 1 component.\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, out, errOut := apitest.NewFactory("http://unused", "t", tt.format)
			f.IOStreams.In = strings.NewReader(tt.stdin)
			err := apitest.Run(NewCmdValidate(f, nil), tt.args)
			if tt.wantInvalid != errors.Is(err, cmdutil.ErrSilent) || (!tt.wantInvalid && err != nil) {
				t.Fatalf("err = %v, want invalid %v", err, tt.wantInvalid)
			}
			if tt.wantInvalid && cmdutil.ExitCode(err) != 1 {
				t.Errorf("exit %d for an invalid spec", cmdutil.ExitCode(err))
			}
			if tt.wantOut != "" && out.String() != tt.wantOut {
				t.Errorf("out:\n%s\nwant:\n%s", out, tt.wantOut)
			}
			if tt.wantInvalid && out.Len() == 0 {
				t.Error("no problem listed")
			}
			if errOut.String() != tt.wantErrOut {
				t.Errorf("errOut = %q, want %q", errOut, tt.wantErrOut)
			}
		})
	}

	// -o json carries every problem for a script.
	f, out, _ := apitest.NewFactory("http://unused", "t", output.JSON)
	err := apitest.Run(NewCmdValidate(f, nil), badFile)
	var v Validation
	if jerr := json.Unmarshal(out.Bytes(), &v); jerr != nil || !errors.Is(err, cmdutil.ErrSilent) || v.Valid || len(v.Problems) < 2 ||
		v.Problems[0].Path != "sections[0].columns" {
		t.Errorf("json = %s (%v), err = %v", out, jerr, err)
	}
}
