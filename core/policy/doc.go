// Package policy decides what a plan needs before it may run: how many
// distinct people must approve it, whether its author may be one of them,
// how long it may wait for approval, and which actions are refused outright.
//
// A policy is a YAML file:
//
//	defaults:
//	  approvals: 1               # distinct approvers for reversible actions
//	  irreversible_approvals: 2  # for actions whose blast_radius.reversible is false
//	  author_may_approve: false
//	  expire_after: 24h          # Go duration
//	rules:                       # per action, the first rule that matches wins
//	  - plugin: docker           # glob (path.Match syntax); empty or missing = any
//	    action: restart
//	    target: "web-*"
//	    worker: "site-a-*"
//	    approvals: 2             # each override optional; unset = inherit defaults
//	    author_may_approve: true
//	    expire_after: 1h
//	deny:                        # any match refuses the plan outright
//	  - plugin: "*"
//	    action: "*"
//	    target: "db-*"
//	    reason: "databases are changed by hand"
//
// Every section and key is optional; whatever is missing keeps the value of
// [Default], and an empty file is Default. Unknown keys are errors, so a typo
// cannot silently weaken a policy.
//
// Rules and deny entries select actions by their plugin, action, target and
// worker, each a [path.Match] glob matched against the whole name. A missing
// or empty pattern matches anything, and so does "*" except that, as in
// path.Match, * and ? never match "/": "web-*" does not select a target
// named "web-1/api".
//
// For each action of a plan, the first rule that selects it overrides the
// defaults with the keys it sets. An action whose blast_radius says
// reversible: false needs irreversible_approvals unless that rule sets
// approvals itself. The plan then needs the most approvals any action needs,
// lets its author approve only if every action allows it, and expires after
// the shortest expire_after of its actions.
//
// A deny entry refuses any plan with an action it selects, whatever the
// rules say. Its reason is shown to whoever proposed the plan; without one
// the reason is "denied by deny rule N", N being the entry's index in deny
// counted from 0, as in the error messages of [Parse].
package policy
