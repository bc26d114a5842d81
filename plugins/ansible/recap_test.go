package ansible

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/wingman-dev/wingman/plugins"
)

// runOutput is the end of an ansible-playbook 2.14 run with the default
// callback and ANSIBLE_NOCOLOR=1.
const runOutput = `
PLAY [web servers] *************************************************************

TASK [restart nginx] ***********************************************************
changed: [web1]
fatal: [web2]: FAILED! => {"changed": false, "msg": "Could not find the requested service nginx: host"}
fatal: [fe80::1]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh", "unreachable": true}

PLAY RECAP *********************************************************************
fe80::1                    : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   
web1                       : ok=1    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
web2                       : ok=0    changed=0    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   

`

func TestParseRecap(t *testing.T) {
	got := parseRecap(runOutput)
	zero := map[string]int{"ok": 0, "changed": 0, "unreachable": 0, "failed": 0, "skipped": 0, "rescued": 0, "ignored": 0}
	with := func(k string, v int, more ...any) map[string]int {
		m := map[string]int{}
		for kk, vv := range zero {
			m[kk] = vv
		}
		m[k] = v
		for i := 0; i+1 < len(more); i += 2 {
			m[more[i].(string)] = more[i+1].(int)
		}
		return m
	}
	want := recap{
		"fe80::1": with("unreachable", 1),
		"web1":    with("ok", 1, "changed", 1),
		"web2":    with("failed", 1),
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("parseRecap = %v\nwant %v", got, want)
	}
	if parseRecap("ERROR! the playbook: x.yml could not be found") != nil {
		t.Error("a recap found in output without one")
	}
	if r := parseRecap("PLAY RECAP ****\n\n"); r == nil || len(r) != 0 {
		t.Errorf("an empty recap = %v, want empty and not nil", r)
	}
}

func TestValidatePostReadsRecap(t *testing.T) {
	p := &Plugin{}
	a := plugins.Action{Name: ActionRunPlaybook}
	good := "PLAY RECAP ***\nlocalhost                  : ok=2    changed=1    unreachable=0    failed=0    skipped=0\n"

	tests := []struct {
		name string
		r    plugins.Result
		want string // empty: passes
	}{
		{"clean run", plugins.Result{Output: good, Data: map[string]any{"exit_code": 0}}, ""},
		{"failed and unreachable hosts", plugins.Result{Output: runOutput, Data: map[string]any{"exit_code": 0}},
			"fe80::1: failed=0 unreachable=1\nweb2: failed=1 unreachable=0"},
		{"non-zero exit", plugins.Result{Output: good, Data: map[string]any{"exit_code": 2}}, "status 0"},
		{"no exit code", plugins.Result{Output: good}, "status 0"},
		{"no recap", plugins.Result{Output: "ok", Data: map[string]any{"exit_code": 0}}, "no PLAY RECAP"},
		{"no host", plugins.Result{Output: "PLAY RECAP ***\n", Data: map[string]any{"exit_code": 0}}, "lists no host"},
		// The recap in Data wins over the output, which may have been cut
		// before the recap.
		{"recap in data", plugins.Result{Output: "…[truncated 9000 bytes]", Data: map[string]any{
			"exit_code": 0, "recap": recap{"db1": {"ok": 3, "failed": 1}}}}, "db1: failed=1"},
	}
	for _, tt := range tests {
		// Data as it arrives after crossing the wire too.
		var wire map[string]any
		b, _ := json.Marshal(tt.r.Data)
		_ = json.Unmarshal(b, &wire)
		for _, data := range []map[string]any{tt.r.Data, wire} {
			err := p.ValidatePost(context.Background(), a, plugins.Result{Output: tt.r.Output, Data: data})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("%s: ValidatePost = %v", tt.name, err)
			case tt.want != "" && (err == nil || !containsAll(err.Error(), strings.Split(tt.want, "\n"))):
				t.Errorf("%s: ValidatePost = %v, want %q", tt.name, err, tt.want)
			}
		}
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}

func TestTail(t *testing.T) {
	tl := &tail{max: 8}
	for i := range 5 {
		fmt.Fprintf(tl, "line%d\n", i)
	}
	if got := tl.String(); got != "3\nline4\n" {
		t.Errorf("tail = %q", got)
	}
}

func TestRollbackRefused(t *testing.T) {
	err := (&Plugin{}).Rollback(context.Background(), plugins.Action{Name: ActionRunPlaybook}, plugins.Result{})
	if !errors.Is(err, plugins.ErrNoRollback) {
		t.Errorf("Rollback = %v, want ErrNoRollback", err)
	}
}
