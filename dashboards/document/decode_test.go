package document_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/dashboards/document"
)

func TestPathString(t *testing.T) {
	for _, tt := range []struct {
		p    document.Path
		want string
	}{
		{nil, ""},
		{document.Path{"sections"}.Index(1).Key("components").Index(0).Key("type"), "sections[1].components[0].type"},
		{document.Path{"containers.active"}.Key("sql"), `["containers.active"].sql`},
		{document.Path{"Bad Name"}, `["Bad Name"]`},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v = %q, want %q", tt.p, got, tt.want)
		}
	}
}

func TestYAMLAndJSONReadAlike(t *testing.T) {
	y, err := document.Decode([]byte("title: t\nn: 3\nf: 1.5\nok: true\nnone: null\nlist: [a, 2]\n"), document.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	j, err := document.Decode([]byte(`{"title": "t", "n": 3, "f": 1.5, "ok": true, "none": null, "list": ["a", 2]}`), document.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(y, j) {
		t.Errorf("YAML %#v, JSON %#v", y, j)
	}
}

func TestAliasesWithinTheBudget(t *testing.T) {
	v, err := document.DecodeYAML([]byte("base: &b {columns: 2}\ncopy: *b\n"), document.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if m := v.(map[string]any)["copy"].(map[string]any); m["columns"] != int64(2) {
		t.Errorf("copy = %v", m)
	}
	_, err = document.DecodeYAML([]byte("a: &a [1, 2, 3, 4]\nb: [*a, *a, *a]\n"), document.Limits{MaxValues: 10})
	if err == nil || !strings.Contains(err.Error(), "more than 10 values") {
		t.Errorf("err = %v, want the budget to stop it", err)
	}
}
