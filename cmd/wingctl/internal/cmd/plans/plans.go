// Package plans implements "wingctl plans": the changes Wingman proposes,
// which run only once enough people approve them.
package plans

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/wingman-dev/wingman/cmd/wingctl/internal/cmdutil"
	"github.com/wingman-dev/wingman/core/domain"
)

// NewCmdPlans returns "wingctl plans" with its verbs.
func NewCmdPlans(f *cmdutil.Factory) *cobra.Command {
	cmd := cmdutil.NewNounCmd("plans <command>", "List and inspect plans",
		`A plan is a proposed change: one or more actions, each run by a plugin on
one worker, with the reason for it and how far it reaches. A plan runs only
after enough people approve it ("wingctl approve"); anyone may reject it.`)
	cmd.AddCommand(NewCmdList(f, nil), NewCmdShow(f, nil))
	return cmd
}

// statuses lists every plan status, for validation and completion.
var statuses = []string{
	string(domain.PlanPending), string(domain.PlanRejected),
	string(domain.PlanExpired), string(domain.PlanDispatched), string(domain.PlanRunning),
	string(domain.PlanSucceeded), string(domain.PlanFailed), string(domain.PlanRolledBack),
}

// approvals reads "1/2": distinct approvers so far of those required.
func approvals(p domain.Plan) string {
	return fmt.Sprintf("%d/%d", p.Approvers(), p.RequiredApprovals)
}
