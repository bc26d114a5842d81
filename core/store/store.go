// Package store defines how Wingman keeps its state: one interface with two
// implementations (embedded SQLite, the default, and PostgreSQL), both
// checked by the one suite in storetest. Every change happens inside a
// transaction, so a decision and the audit event that records it commit
// together or not at all.
package store

import (
	"context"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
)

// Store is a transactional home for Wingman's state.
type Store interface {
	// Update runs fn in a read-write transaction. The changes are durable
	// when Update returns nil, and discarded when fn returns an error.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn to read. On SQLite it is a read-only transaction; on
	// PostgreSQL each statement reads the newest committed data, which saves
	// two round trips per request. fn must not write.
	View(ctx context.Context, fn func(Tx) error) error
	// ClaimTasks hands up to n of a worker's oldest queued tasks to it:
	// running and leased until leaseUntil, their plans moved from
	// dispatched to running, and for each task the audit event
	// domain.TaskStarted by actor, all committed together (in a single
	// statement where the database allows: the claim is on the path from
	// an approval to the task's start). It returns the tasks, oldest first,
	// and the plans it moved; none when none wait.
	ClaimTasks(ctx context.Context, workerID string, n int, now, leaseUntil time.Time, actor domain.Principal) ([]domain.Task, []string, error)
	// Kind names the implementation: "sqlite" or "postgres".
	Kind() string
	Ping(ctx context.Context) error
	Close() error
}

// Tx is what can be done inside a transaction. Methods return
// domain.ErrNotFound when a named row does not exist and domain.ErrConflict
// when a new row's key is taken.
type Tx interface {
	// MarkEnvelopes records that a worker's envelopes were ingested and
	// returns the ids not seen before, so ingest stores each envelope once.
	MarkEnvelopes(workerID string, ids []string, payloadType domain.PayloadType, at time.Time) (map[string]bool, error)
	// ApplyFacts makes each fact the latest state of its key unless a newer
	// one is stored already, and appends to the history every fact whose
	// status or attributes differ from the state it follows. It returns the
	// facts that became the latest state with a change.
	ApplyFacts(facts []domain.Fact) ([]domain.FactChange, error)
	ListFacts(f domain.FactFilter) ([]domain.Fact, error)
	FactHistory(f domain.FactFilter) ([]domain.FactChange, error)
	AddLogSummaries(workerID string, sums []domain.LogSummary) error

	CreateWorker(w domain.Worker) error
	GetWorker(id string) (domain.Worker, error)
	ListWorkers() ([]domain.Worker, error)
	DeleteWorker(id string) error
	// SeeWorker records a heartbeat: the worker was seen at r.SeenAt, and
	// what it reported is its state unless a newer report was applied.
	SeeWorker(id string, r domain.WorkerReport) error
	// AddGaps records drops from a worker's offline buffer, each once, as
	// its largest report.
	AddGaps(workerID string, gaps []domain.Gap, at time.Time) error
	// WorkerGaps lists a worker's most recent gaps, newest first.
	WorkerGaps(workerID string, limit int) ([]domain.Gap, error)
	SetWorkerHealth(id string, health domain.WorkerHealth) error
	// SilentWorkers lists workers not marked unreachable whose last report
	// (or creation, if they never reported) is older than before.
	SilentWorkers(before time.Time) ([]domain.Worker, error)

	// EnsureUser returns the user with this issuer and subject, creating it
	// from u when there is none.
	EnsureUser(u domain.User) (domain.User, error)
	GetUser(id string) (domain.User, error)
	CreateToken(t domain.Token) error
	TokenByHash(hash []byte) (domain.Token, error)
	ListTokens() ([]domain.Token, error)
	RevokeToken(id string, at time.Time) error
	RevokeWorkerTokens(workerID string, at time.Time) error

	// CreateIncident stores inc, giving it an ID when it has none.
	CreateIncident(inc *domain.Incident) error
	GetIncident(id string) (domain.Incident, error)
	// OpenIncident returns the unresolved incident for a target.
	OpenIncident(workerID, targetType, target string) (domain.Incident, error)
	ListIncidents(f domain.IncidentFilter) ([]domain.Incident, error)
	UpdateIncident(inc domain.Incident) error

	// CreatePlan stores p, giving it a short ID (pl-7f3a) when it has none.
	CreatePlan(p *domain.Plan) error
	// GetPlan returns a plan with its approvals and tasks. With lock set the
	// plan's row stays locked until the transaction ends, so concurrent
	// decisions on one plan are serialised.
	GetPlan(id string, lock bool) (domain.Plan, error)
	ListPlans(f domain.PlanFilter) ([]domain.Plan, error)
	// PlanStatus reads only a plan's status, locking its row with lock.
	PlanStatus(id string, lock bool) (domain.PlanStatus, error)
	// LockPlans locks the named plans' rows until the transaction ends.
	LockPlans(ids []string) error
	SetPlanStatus(id string, status domain.PlanStatus, decidedAt *time.Time) error
	AddApproval(a domain.Approval) error
	// ExpiredPlans lists pending plans whose expiry is before now.
	ExpiredPlans(now time.Time) ([]domain.Plan, error)

	// CreateTask stores t, giving it an ID when it has none.
	CreateTask(t *domain.Task) error
	GetTask(id string) (domain.Task, error)
	// GetTasks reads those of the named tasks that exist.
	GetTasks(ids []string) ([]domain.Task, error)
	// NotifyTask tells every replica, when the transaction commits, that
	// workerID has a queued task (a no-op where one process is all there is).
	NotifyTask(workerID string) error
	// OpenTasks lists a worker's queued and running tasks.
	OpenTasks(workerID string) ([]domain.Task, error)
	// ExpiredLeases lists running tasks whose lease ended before now, but
	// for those of a worker unreachable since offlineSince or later: it may
	// be running them offline, and its result will come when it is back.
	ExpiredLeases(now, offlineSince time.Time) ([]domain.Task, error)
	// RenewLeases extends the leases of a worker's named running tasks
	// until the given time and returns how many it extended.
	RenewLeases(workerID string, ids []string, until time.Time) (int, error)
	// RequeueTask puts a running task back in the queue.
	RequeueTask(id string) error
	// EndedPlans returns those of the named plans with no task queued or
	// running.
	EndedPlans(planIDs []string) ([]string, error)
	// TaskCounts counts the tasks of each named plan by status.
	TaskCounts(planIDs []string) (map[string]map[domain.TaskStatus]int, error)
	// FinishTasks records the ends of tasks and returns the ids of those
	// that had not ended yet; a task that already ended is left as it is.
	FinishTasks(ends []domain.TaskEnd) ([]string, error)

	// AppendAudit appends ev to the audit log. It is sealed into the hash
	// chain in this transaction or, where the store defers sealing, by the
	// next SealAudit.
	AppendAudit(ev *domain.AuditEvent) error
	// AppendAudits appends events in the order given, as AppendAudit does.
	AppendAudits(evs []*domain.AuditEvent) error
	// SealAudit seals up to max unsealed events into the chain, in the
	// order they were appended, and returns how many. It returns 0 at once
	// when another transaction is sealing.
	SealAudit(max int) (int, error)
	// ListAudit lists sealed events after a sequence number, oldest first,
	// followed (when the page has room) by events not sealed yet, whose Seq
	// is 0.
	ListAudit(after int64, limit int) ([]domain.AuditEvent, error)

	Counts(now time.Time, onlineSince time.Time) (domain.Status, error)

	// UserBySubject returns the user an identity provider (issuer) knows
	// as subject.
	UserBySubject(issuer, subject string) (domain.User, error)
	// UpdateUserProfile stores what a user's newest sign-in said: name,
	// e-mail and the role their groups map to. The override stays.
	UpdateUserProfile(u domain.User) error
	// ListUsers lists every user, oldest first.
	ListUsers() ([]domain.User, error)
	// SetRoleOverride gives a user a role over the one their groups map
	// to; the empty role removes the override.
	SetRoleOverride(userID string, role domain.Role) error

	// CreateWebSession stores a new web console session.
	CreateWebSession(s domain.WebSession) error
	// WebSession returns the session whose cookie hashes to idHash.
	WebSession(idHash []byte) (domain.WebSession, error)
	// LeaseWebSessionRefresh gives the caller the turn to renew a
	// session's tokens until until, and reports false while another
	// request, on any replica, holds an unexpired turn.
	LeaseWebSessionRefresh(idHash []byte, now, until time.Time) (bool, error)
	// RenewWebSession stores renewed tokens and ends the turn.
	RenewWebSession(idHash []byte, idToken string, expiry time.Time, refreshToken string) error
	// DeleteWebSession ends a session; one that is gone already is no
	// error.
	DeleteWebSession(idHash []byte) error
	// DeleteExpiredWebSessions removes the sessions that ended before now
	// and returns how many.
	DeleteExpiredWebSessions(now time.Time) (int, error)

	// GetSkill reads an installed marketplace skill. With lock set its row
	// stays locked until the transaction ends, so that concurrent installs
	// of one skill, on any replica, are serialised.
	GetSkill(id string, lock bool) (domain.StoredSkill, error)
	// ListSkills lists the installed marketplace skills by id.
	ListSkills() ([]domain.StoredSkill, error)
	// PutSkill stores s, replacing the skill of the same id if there is
	// one.
	PutSkill(s domain.StoredSkill) error
	// AddSkill stores s as a first install: domain.ErrConflict when a
	// skill of its id is there, as it may be when another transaction put
	// it after this one found none (a lock has no row to hold then). The
	// transaction stays usable.
	AddSkill(s domain.StoredSkill) error
	// DeleteSkill removes an installed marketplace skill.
	DeleteSkill(id string) error
}
