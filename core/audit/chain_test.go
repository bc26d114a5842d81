package audit

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

func chain(t *testing.T, n int) []domain.AuditEvent {
	t.Helper()
	var out []domain.AuditEvent
	prevSeq, prevHash := int64(0), Genesis
	for i := 0; i < n; i++ {
		ev := domain.AuditEvent{
			At: time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC), ActorKind: domain.PrincipalUser,
			ActorID: "u-1", ActorName: "alice", ActorRole: domain.RoleOperator,
			Action: "plan.approve", Subject: "pl-7f3a", Outcome: domain.OutcomeOK,
			Detail: map[string]any{"n": i, "nested": map[string]any{"b": true}},
		}
		if err := Seal(&ev, prevSeq, prevHash); err != nil {
			t.Fatal(err)
		}
		out = append(out, ev)
		prevSeq, prevHash = ev.Seq, ev.Hash
	}
	return out
}

func TestVerify(t *testing.T) {
	tests := []struct {
		name   string
		tamper func([]domain.AuditEvent) []domain.AuditEvent
		want   string // empty: intact
	}{
		{"intact", func(e []domain.AuditEvent) []domain.AuditEvent { return e }, ""},
		{"empty log", func([]domain.AuditEvent) []domain.AuditEvent { return nil }, ""},
		{"edited reason", func(e []domain.AuditEvent) []domain.AuditEvent { e[2].Reason = "x"; return e }, "at event 3 (plan.approve by alice"},
		{"edited actor", func(e []domain.AuditEvent) []domain.AuditEvent { e[1].ActorName = "mallory"; return e }, "at event 2"},
		{"edited detail", func(e []domain.AuditEvent) []domain.AuditEvent { e[3].Detail["n"] = 99.0; return e }, "at event 4"},
		{"edited time", func(e []domain.AuditEvent) []domain.AuditEvent { e[0].At = e[0].At.Add(time.Second); return e }, "at event 1"},
		{"deleted middle", func(e []domain.AuditEvent) []domain.AuditEvent { return append(e[:2:2], e[3:]...) }, "events 3..3 are missing"},
		{"deleted first", func(e []domain.AuditEvent) []domain.AuditEvent { return e[1:] }, "expected event 1 next"},
		{"rehashed edit", func(e []domain.AuditEvent) []domain.AuditEvent {
			// An attacker who recomputes the edited event's own hash still
			// breaks the link from the next one.
			e[1].Reason = "x"
			e[1].Hash = Hash(e[1])
			return e
		}, "at event 3 (plan.approve by alice): it does not link to event 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Verify(tt.tamper(chain(t, 5)))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Verify: %v", err)
				}
				return
			}
			if err == nil || !errors.Is(err, ErrBroken) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Verify = %v, want an ErrBroken containing %q", err, tt.want)
			}
		})
	}
}

func TestSealNormalizesDetail(t *testing.T) {
	type inner struct{ A int }
	ev := domain.AuditEvent{At: time.Now(), Action: "x", Detail: map[string]any{"s": inner{A: 1}}}
	if err := Seal(&ev, 0, Genesis); err != nil {
		t.Fatal(err)
	}
	if _, ok := ev.Detail["s"].(map[string]any); !ok {
		t.Fatalf("detail not normalized: %#v", ev.Detail["s"])
	}
	if err := Verify([]domain.AuditEvent{ev}); err != nil {
		t.Fatal(err)
	}
}
