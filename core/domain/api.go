package domain

import "time"

// The HTTP API under /api/v1. Every body is JSON; every error is an
// ErrorBody. Roles needed are in brackets; "worker" means a worker token.
//
//	GET    /healthz, /readyz, /metrics                  [none]
//	GET    /api/v1/status                               [viewer]   -> Status
//	GET    /api/v1/whoami                               [any]      -> Principal
//	GET    /api/v1/events                               [viewer]   SSE stream of Event
//	POST   /api/v1/ingest                               [worker]   Envelope -> IngestResponse
//	GET    /api/v1/worker/tasks?wait=30s                [worker]   -> WorkerTask, or 204 when none
//	GET    /api/v1/facts?worker=&type=&name=&status=&limit= [viewer] -> []Fact
//	GET    /api/v1/incidents?state=&worker=&limit=      [viewer]   -> []Incident
//	GET    /api/v1/incidents/{id}                       [viewer]   -> Incident
//	GET    /api/v1/plans?status=&limit=                 [viewer]   -> []Plan
//	GET    /api/v1/plans/{id}                           [viewer]   -> Plan (with approvals and tasks)
//	POST   /api/v1/plans/{id}/approve                   [operator] ApproveRequest -> DecisionResponse
//	POST   /api/v1/plans/{id}/reject                    [operator] RejectRequest -> DecisionResponse
//	GET    /api/v1/workers                              [viewer]   -> []Worker
//	POST   /api/v1/workers                              [admin]    CreateWorkerRequest -> CreatedWorker (201)
//	DELETE /api/v1/workers/{id}                         [admin]    -> 204
//	GET    /api/v1/tokens                               [admin]    -> []Token
//	POST   /api/v1/tokens                               [admin]    CreateTokenRequest -> CreatedToken (201)
//	DELETE /api/v1/tokens/{id}                          [admin]    -> 204
//	GET    /api/v1/audit?after=SEQ&limit=N              [viewer]   -> AuditPage
//	GET    /api/v1/auth/config                          [none]     -> AuthConfig
//	GET    /api/v1/users                                [admin]    -> []User (single sign-on users)
//	PUT    /api/v1/users/{id}/role                      [admin]    SetRoleRequest -> User
//	POST   /api/v1/plans                                [operator] ProposePlanRequest -> Plan (201)
//	GET    /api/v1/plugins                              [viewer]   -> []InstalledSkill
//	POST   /api/v1/plugins                              [admin]    InstallSkillRequest -> InstalledSkill (201)
//	GET    /api/v1/plugins/market?q=                    [viewer]   -> []MarketplaceSkill
//	GET    /api/v1/plugins/market/{id}                  [viewer]   -> MarketplaceSkillInfo
//	GET    /api/v1/plugins/verify?id=                   [viewer]   -> []SkillVerification
//	POST   /api/v1/plugins/{id}/update                  [admin]    UpdateSkillRequest -> SkillUpdate
//	DELETE /api/v1/plugins/{id}                         [admin]    -> 204
//	GET    /api/v1/worker/skills                        [worker]   -> []SkillBundle
//	POST   /api/v1/dashboards/render                    [viewer]   RenderRequest -> the rendered dashboard
//	                                                    (dashboards/render.Dashboard: each component with its data or error);
//	                                                    a refused spec is 400 with APIError.Problems, an unknown template 404,
//	                                                    a body over 256 KiB 413; each user is paced (429 with Retry-After)
//	GET    /api/v1/dashboards/templates                 [viewer]   -> []DashboardTemplate (without Source)
//	GET    /api/v1/dashboards/templates/{name}          [viewer]   -> DashboardTemplate (with its YAML in Source)

// ErrorBody is the body of every error answer.
type ErrorBody struct {
	Error APIError `json:"error"`
}

// APIError names what went wrong in a word a script can test (Code) and a
// sentence a person can read (Message).
type APIError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	// Problems list, for a refused document (a dashboard spec), every
	// thing wrong with it by path.
	Problems []Problem `json:"problems,omitempty"`
}

// Error codes, one per sentinel error in errors.go.
const (
	CodeNotFound        = "not_found"
	CodeConflict        = "conflict"
	CodeUnauthenticated = "unauthenticated"
	CodeForbidden       = "forbidden"
	CodePolicy          = "policy_refused"
	CodeDecided         = "already_decided"
	CodeExpired         = "expired"
	CodeInvalid         = "invalid"
	CodeTooLarge        = "too_large"
	CodeRateLimited     = "rate_limited"
	CodeUnavailable     = "unavailable"
	CodeInternal        = "internal"
)

// Status is the answer of GET /api/v1/status.
type Status struct {
	Version       string    `json:"version"`
	Store         string    `json:"store"`
	Now           time.Time `json:"now"`
	Workers       int       `json:"workers"`
	WorkersOnline int       `json:"workers_online"`
	OpenIncidents int       `json:"open_incidents"`
	PendingPlans  int       `json:"pending_plans"`
	Facts         int       `json:"facts"`
}

// IngestResponse is the answer of POST /api/v1/ingest. Duplicate is true
// when the envelope had been stored before; nothing changed then.
type IngestResponse struct {
	ID        string `json:"id"`
	Duplicate bool   `json:"duplicate"`
	Accepted  int    `json:"accepted"`
}

// NDJSON is the media type of a batch of envelopes on POST /api/v1/ingest:
// one envelope per line, each exactly as it is sent alone.
const NDJSON = "application/x-ndjson"

// MaxIngestBatch is the most envelopes one ingest request may carry.
const MaxIngestBatch = 100

// IngestBatchResponse answers a batch of envelopes, one item per envelope
// in the order sent.
type IngestBatchResponse struct {
	Results []IngestItem `json:"results"`
}

// IngestItem is what became of one envelope of a batch: stored or a
// duplicate, or refused with Error (nothing of it stored).
type IngestItem struct {
	IngestResponse
	Error *APIError `json:"error,omitempty"`
}

// ApproveRequest is the body of POST /api/v1/plans/{id}/approve.
type ApproveRequest struct {
	Comment string `json:"comment,omitempty"`
}

// RejectRequest is the body of POST /api/v1/plans/{id}/reject.
type RejectRequest struct {
	Reason string `json:"reason"`
}

// Outcome words of a DecisionResponse.
const (
	DecisionOutcomeApproved = "approved"
	DecisionOutcomePending  = "pending"
	DecisionOutcomeRejected = "rejected"
)

// DecisionResponse is the answer to an approval or rejection that was
// recorded. ApprovalsNeeded is how many more distinct approvers the plan
// still needs (0 once approved).
type DecisionResponse struct {
	Outcome         string `json:"outcome"`
	ApprovalsNeeded int    `json:"approvals_needed"`
	Plan            Plan   `json:"plan"`
}

// CreateTokenRequest is the body of POST /api/v1/tokens. Name names the
// user the token acts as; tokens with the same name are the same user.
type CreateTokenRequest struct {
	Name string `json:"name"`
	Role Role   `json:"role"`
	// ExpiresIn, a Go duration such as 720h, makes the token stop working
	// that long after it is created; empty means it lasts until revoked.
	ExpiresIn string `json:"expires_in,omitempty"`
}

// CreatedToken carries a new token's secret: the only time it is shown.
type CreatedToken struct {
	Secret string `json:"token"`
	Token  Token  `json:"info"`
}

// CreateWorkerRequest is the body of POST /api/v1/workers.
type CreateWorkerRequest struct {
	ID       string `json:"id"`
	SiteName string `json:"site_name"`
}

// CreatedWorker carries a new worker's token: the only time it is shown.
type CreatedWorker struct {
	Secret string `json:"token"`
	Worker Worker `json:"worker"`
}

// AuditPage is one page of the audit log in sequence order. Next is the
// Seq to pass as after= for the next page, or 0 at the end.
type AuditPage struct {
	Events []AuditEvent `json:"events"`
	Next   int64        `json:"next"`
}

// Event is one message on the SSE stream: Kind says what changed
// (incident, plan, task, worker) and ID which one; Kind "facts" with a
// worker's ID says that some of that worker's facts changed.
type Event struct {
	Kind string    `json:"kind"`
	ID   string    `json:"id"`
	At   time.Time `json:"at"`
}

// BacklogHeader marks an ingest request carrying an envelope from a
// worker's offline backlog (not written moments ago). The control plane
// admits those under its sync rate limit, answering 429 with Retry-After
// beyond it, so that workers coming back at once do not crowd out the
// others' live reports.
const BacklogHeader = "Wingman-Backlog"

// AuthConfig is the answer of GET /api/v1/auth/config: what wingctl needs
// to sign in through the server's identity provider, so that a person
// needs only the server's URL. OIDC is false when the server accepts
// local tokens only; the other fields are empty then.
type AuthConfig struct {
	OIDC bool `json:"oidc"`
	// Issuer is the provider's issuer URL, where discovery starts.
	Issuer string `json:"issuer,omitempty"`
	// ClientID is the public client wingctl signs in as.
	ClientID string `json:"client_id,omitempty"`
	// Scopes are the scopes to request; they include openid.
	Scopes []string `json:"scopes,omitempty"`
}

// SetRoleRequest is the body of PUT /api/v1/users/{id}/role. Role is the
// role the user acts with whatever their groups say; empty removes the
// override, so their groups decide again.
type SetRoleRequest struct {
	Role Role `json:"role"`
}
