package audit

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/apitest"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/cmd/wingctl/internal/output"
	"github.com/wingman-dev/wingman/core/audit"
	"github.com/wingman-dev/wingman/core/domain"
)

// chain returns n events sealed into a valid hash chain.
func chain(t *testing.T, n int) []domain.AuditEvent {
	t.Helper()
	var events []domain.AuditEvent
	prevHash, prevSeq := audit.Genesis, int64(0)
	for i := range n {
		ev := domain.AuditEvent{
			At: apitest.Now.Add(time.Duration(i-n) * time.Minute), ActorKind: domain.PrincipalUser, ActorID: "u-1",
			ActorName: "alice", ActorRole: domain.RoleOperator, Action: "plan.approve", Subject: "pl-" + strconv.Itoa(i),
			Outcome: domain.OutcomeOK,
		}
		if err := audit.Seal(&ev, prevSeq, prevHash); err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
		prevHash, prevSeq = ev.Hash, ev.Seq
	}
	return events
}

// pager serves events as the API does, limit per page (the server may
// give fewer than asked), with Next 0 on the last page.
func pager(events []domain.AuditEvent, limit int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
		page := domain.AuditPage{Events: []domain.AuditEvent{}}
		for _, ev := range events {
			if ev.Seq > after && len(page.Events) < limit {
				page.Events = append(page.Events, ev)
			}
		}
		if n := len(page.Events); n > 0 && page.Events[n-1].Seq < events[len(events)-1].Seq {
			page.Next = page.Events[n-1].Seq
		}
		apitest.JSON(http.StatusOK, page)(w, r)
	}
}

func TestNewCmdList(t *testing.T) {
	tests := []struct {
		args      string
		wantAfter int64
		wantLimit int
		wantUsage bool
	}{
		{args: ""},
		{args: "--after 200 --limit 50", wantAfter: 200, wantLimit: 50},
		{args: "--after -1", wantUsage: true},
		{args: "--limit x", wantUsage: true},
	}
	for _, tt := range tests {
		t.Run(tt.args, func(t *testing.T) {
			got, err := apitest.ParseOptions(output.Table, NewCmdList, tt.args)
			if tt.wantUsage {
				apitest.WantUsage(t, err)
				return
			}
			if err != nil || got.After != tt.wantAfter || got.Limit != tt.wantLimit {
				t.Errorf("options = %+v, err = %v", got, err)
			}
		})
	}
}

func TestListRun(t *testing.T) {
	events := chain(t, 3)
	events[2].Outcome, events[2].Reason = domain.OutcomeRefused, "author may not approve"
	srv := apitest.Serve(t, "GET /api/v1/audit", pager(events, 2))
	out, errOut := apitest.Exec(t, srv, output.Table, NewCmdList, "--limit 2")
	want := "SEQ  WHEN    ACTOR  ROLE      ACTION        SUBJECT  OUTCOME  REASON\n" +
		"1    3m ago  alice  operator  plan.approve  pl-0     ok       -\n" +
		"2    2m ago  alice  operator  plan.approve  pl-1     ok       -\n"
	if out.String() != want {
		t.Errorf("out:\n%s\nwant:\n%s", out, want)
	}
	if errOut.String() != "More events follow: wingctl audit list --after 2\n" {
		t.Errorf("errOut = %q", errOut)
	}
}

func TestVerifyRun(t *testing.T) {
	events := chain(t, 5)
	tampered := chain(t, 5)
	tampered[3].Subject = "pl-99"
	gap := append(chain(t, 5)[:2:2], chain(t, 5)[3:]...)

	tests := []struct {
		name     string
		events   []domain.AuditEvent
		format   output.Format
		wantOut  string
		wantCode int
		wantErr  string
	}{
		{"intact over pages", events, output.Table, "audit chain intact: 5 events\n", 0, ""},
		{"intact json", events, output.JSON, "{\n  \"intact\": true,\n  \"events\": 5\n}\n", 0, ""},
		{"edited", tampered, output.Table, "", 1, "event 4"},
		{"deleted", gap, output.Table, "", 1, "event 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := apitest.ParseOptions(tt.format, NewCmdVerify, ""); err != nil || got.Format != tt.format {
				t.Fatalf("options = %+v, %v", got, err)
			}
			srv := apitest.Serve(t, "GET /api/v1/audit", pager(tt.events, 2))
			f, out, _ := srv.Factory(tt.format)
			err := apitest.Run(NewCmdVerify(f, nil), "")
			if code := cmdutil.ExitCode(err); code != tt.wantCode {
				t.Fatalf("exit code %d (%v), want %d", code, err, tt.wantCode)
			}
			if err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("err = %v, want it to name %q", err, tt.wantErr)
			}
			if out.String() != tt.wantOut {
				t.Errorf("out = %q, want %q", out, tt.wantOut)
			}
			if err == nil {
				pages := srv.Requests()
				want := []string{"GET /api/v1/audit?limit=1000", "GET /api/v1/audit?after=2&limit=1000", "GET /api/v1/audit?after=4&limit=1000"}
				if strings.Join(pages, "\n") != strings.Join(want, "\n") {
					t.Errorf("requests:\n%s\nwant:\n%s", strings.Join(pages, "\n"), strings.Join(want, "\n"))
				}
			}
		})
	}
}

func TestVerifyRunRefusesNextThatDoesNotAdvance(t *testing.T) {
	srv := apitest.Serve(t, "GET /api/v1/audit", apitest.JSON(http.StatusOK, domain.AuditPage{Events: []domain.AuditEvent{}, Next: -1}))
	f, _, _ := srv.Factory(output.Table)
	err := apitest.Run(NewCmdVerify(f, nil), "")
	if err == nil || err.Error() != "read audit log: server's next page -1 does not follow 0" {
		t.Errorf("err = %v", err)
	}
}
