package apitest

import (
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Plan returns a pending plan that needs two approvals and has one.
func Plan() domain.Plan {
	return domain.Plan{
		ID:         "pl-7f3a",
		IncidentID: "in-3c1d",
		Title:      "Restart nginx on edge-1",
		Rationale:  "nginx exited 5 times in 10 minutes.\nA restart cleared the same fault last week.",
		Author:     "advisor",
		Status:     domain.PlanPending,
		Actions: []domain.Action{{
			Plugin: "docker", Action: "restart", Worker: "edge-1", Target: "nginx",
			BlastRadius: domain.BlastRadius{Scope: "container", MutatesState: true, Reversible: true},
		}},
		RequiredApprovals: 2,
		CreatedAt:         Now.Add(-5 * time.Minute),
		ExpiresAt:         Now.Add(55 * time.Minute),
		Approvals: []domain.Approval{{
			PlanID: "pl-7f3a", UserID: "u-1", UserName: "alice", Role: domain.RoleOperator,
			Decision: domain.DecisionApprove, Comment: "looks right", At: Now.Add(-2 * time.Minute),
		}},
	}
}

// WithStatus returns p moved to status, with one task in taskStatus when
// the plan got as far as running tasks.
func WithStatus(p domain.Plan, status domain.PlanStatus, taskStatus domain.TaskStatus, taskErr string) domain.Plan {
	p.Status = status
	if taskStatus != "" {
		p.Tasks = []domain.Task{{
			ID: "tk-91", PlanID: p.ID, WorkerID: "edge-1", Plugin: "docker", Action: "restart", Target: "nginx",
			Status: taskStatus, Attempts: 1, CreatedAt: Now.Add(-time.Minute), FinishedAt: At(-10 * time.Second),
			Error: taskErr,
		}}
	}
	return p
}
