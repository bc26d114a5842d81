// Package daemon wires wingmand together: it opens the store, loads the
// policy, makes the bootstrap admin token, starts the API and the periodic
// sweeps, and shuts all of it down gracefully.
package daemon

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/wingman-dev/wingman/core/advisor"
	"github.com/wingman-dev/wingman/core/api"
	"github.com/wingman-dev/wingman/core/approval"
	"github.com/wingman-dev/wingman/core/auth"
	"github.com/wingman-dev/wingman/core/backlog"
	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/events"
	"github.com/wingman-dev/wingman/core/ingest"
	"github.com/wingman-dev/wingman/core/oidc"
	"github.com/wingman-dev/wingman/core/policy"
	"github.com/wingman-dev/wingman/core/store"
	"github.com/wingman-dev/wingman/core/store/postgres"
	"github.com/wingman-dev/wingman/core/store/sqlite"
	"github.com/wingman-dev/wingman/core/web"
)

// OpenStore opens PostgreSQL when a database URL is set, else the embedded
// SQLite in the data dir.
func OpenStore(ctx context.Context, cfg config.Daemon) (store.Store, error) {
	if cfg.DatabaseURL != "" {
		return postgres.Open(ctx, cfg.DatabaseURL)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir: %w", err)
	}
	return sqlite.Open(ctx, cfg.DataDir)
}

// Policy holds the policy in force; Reload swaps it atomically (SIGHUP).
type Policy struct {
	path string
	cur  atomic.Pointer[policy.Policy]
}

// LoadPolicy loads path, or <data-dir>/policy.yaml when path is empty and
// that file exists, or the defaults.
func LoadPolicy(cfg config.Daemon) (*Policy, error) {
	p := &Policy{path: cfg.PolicyFile}
	if p.path == "" {
		if def := filepath.Join(cfg.DataDir, "policy.yaml"); fileExists(def) {
			p.path = def
		}
	}
	return p, p.Reload()
}

// Reload reads the policy file again; on error the old policy stays.
func (p *Policy) Reload() error {
	if p.path == "" {
		p.cur.Store(policy.Default())
		return nil
	}
	pol, err := policy.Load(p.path)
	if err != nil {
		return err
	}
	p.cur.Store(pol)
	return nil
}

// Current returns the policy in force.
func (p *Policy) Current() *policy.Policy { return p.cur.Load() }

// Source names where the policy came from, for the log.
func (p *Policy) Source() string {
	if p.path == "" {
		return "built-in defaults"
	}
	return p.path
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Daemon is a running wingmand.
type Daemon struct {
	cfg      config.Daemon
	log      *slog.Logger
	store    store.Store
	policy   *Policy
	hub      *events.Hub
	approval *approval.Service
	advisor  *advisor.Advisor
	server   *api.Server
	// handler serves the API, and the web console in front of it when
	// there is one.
	handler http.Handler
	ingest  *ingest.Service
	// syncGate paces envelopes from offline backlogs.
	syncGate *backlog.Gate
	stopping atomic.Bool
	// skills and skillsAuto are WithSkills'; nil and 0 without it.
	skills     api.Skills
	skillsAuto time.Duration
}

// An Option adds to what New builds.
type Option func(*options)

type options struct {
	oidc       config.OIDC
	web        *config.Web
	dashboards func(store.Store) (api.Dashboards, error)
	dashLimits api.DashboardLimits
	skills     func(store.Store) (api.Skills, error)
	skillsAuto time.Duration
}

// WithOIDC turns single sign-on on when o is enabled: the API accepts the
// provider's ID tokens beside local tokens, and tells wingctl how to sign
// in.
func WithOIDC(o config.OIDC) Option { return func(opts *options) { opts.oidc = o } }

// WithWeb serves the web console under /web/ when single sign-on is
// enabled, through which it signs people in.
func WithWeb(w config.Web) Option { return func(opts *options) { opts.web = &w } }

// WithDashboards serves the dashboard endpoints, within lim, with what
// build makes from the daemon's store once it is open. Core does not
// import the dashboards packages: cmd/wingmand passes them in here.
func WithDashboards(build func(store.Store) (api.Dashboards, error), lim api.DashboardLimits) Option {
	return func(opts *options) { opts.dashboards, opts.dashLimits = build, lim }
}

// WithSkills serves the plugin marketplace and the installed skills that
// build makes from the daemon's store once it is open (marketplace skills
// live there, shared by every replica), and vets every proposed plan's
// actions with their CheckAction. autoUpdate, when positive, updates the
// installed skills that often (PLUGIN_AUTO_UPDATE).
func WithSkills(build func(store.Store) (api.Skills, error), autoUpdate time.Duration) Option {
	return func(opts *options) { opts.skills, opts.skillsAuto = build, autoUpdate }
}

// New opens everything the daemon needs; Close releases it.
func New(ctx context.Context, cfg config.Daemon, log *slog.Logger, version string, opts ...Option) (*Daemon, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	authn, signIn, err := newAuth(o.oidc)
	if err != nil {
		return nil, err
	}
	st, err := OpenStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pol, err := LoadPolicy(cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	now := func() time.Time { return time.Now().UTC() }
	authn.Store, authn.Now = st, now
	d := &Daemon{cfg: cfg, log: log, store: st, policy: pol, hub: events.NewHub()}
	d.approval = &approval.Service{Store: st, Policy: pol.Current, Hub: d.hub, Now: now, OfflineGrace: cfg.OfflineGrace}
	d.advisor = &advisor.Advisor{Approvals: d.approval, Now: now}
	// One gate for every backlog, pushed or pulled.
	d.syncGate = backlog.NewGate(cfg.SyncRate, syncSlots)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics := api.NewMetrics(reg)
	var dash api.Dashboards
	if o.dashboards != nil {
		if dash, err = o.dashboards(st); err != nil {
			st.Close()
			return nil, fmt.Errorf("dashboards: %w", err)
		}
	}
	var skills api.Skills
	if o.skills != nil {
		if skills, err = o.skills(st); err != nil {
			st.Close()
			return nil, fmt.Errorf("skills: %w", err)
		}
	}
	d.ingest = &ingest.Service{Store: st, Advisor: d.advisor, Approvals: d.approval, Hub: d.hub, Now: now,
		TaskLease: cfg.TaskLease, Counted: metrics.Ingested}
	d.server = api.New(api.Config{
		Store: st, Auth: authn, SignIn: signIn, Approvals: d.approval,
		Ingest: d.ingest, SyncGate: d.syncGate,
		Advisor: d.advisor, Hub: d.hub, Logger: log, Registry: reg, Metrics: metrics, Version: version, Now: now,
		MaxBody: cfg.MaxBodyBytes, MaxTaskWait: 60 * time.Second, TaskLease: cfg.TaskLease, TaskPoll: cfg.TaskPoll,
		OnlineWindow: cfg.HeartbeatTimeout, Ready: d.ready,
		Dashboards: dash, DashboardLimits: o.dashLimits, Skills: skills,
	})
	if skills != nil {
		d.approval.CheckAction = skills.CheckAction
		d.skills, d.skillsAuto = skills, o.skillsAuto
	}
	if authn.OIDC != nil {
		log.Info("single sign-on enabled", "issuer", o.oidc.IssuerURL, "audiences", o.oidc.Audiences())
	}
	if d.handler, err = newConsole(d, o, authn, dash, now); err != nil {
		st.Close()
		return nil, err
	}
	return d, nil
}

// newAuth builds the authenticator, with an ID-token verifier when single
// sign-on is enabled, and what wingctl is told about signing in. It runs
// before the store opens, so that a bad OIDC_* setting is reported first.
func newAuth(o config.OIDC) (*auth.Authenticator, domain.AuthConfig, error) {
	if !o.Enabled {
		return &auth.Authenticator{}, domain.AuthConfig{}, nil
	}
	v, err := oidc.New(o)
	if err != nil {
		return nil, domain.AuthConfig{}, err
	}
	return &auth.Authenticator{OIDC: v},
		domain.AuthConfig{OIDC: true, Issuer: o.IssuerURL, ClientID: o.CLIClientID, Scopes: o.Scopes}, nil
}

// newConsole puts the web console in front of the API when WithWeb asks
// for it and single sign-on is enabled; else the API serves alone.
func newConsole(d *Daemon, o options, authn *auth.Authenticator, dash api.Dashboards, now func() time.Time) (http.Handler, error) {
	if o.web == nil {
		return d.server, nil
	}
	if authn.OIDC == nil {
		d.log.Info("the web console is off: it signs people in through single sign-on (OIDC_ENABLED)")
		return d.server, nil
	}
	console, err := web.New(web.Config{Store: d.store, Auth: authn, Approvals: d.approval, Dashboards: dash,
		OIDC: o.oidc, Web: *o.web, Logger: d.log.With("component", "web"), Now: now}, d.server)
	if err != nil {
		return nil, err
	}
	d.log.Info("web console enabled", "path", "/web/")
	return console, nil
}

func (d *Daemon) ready() error {
	if d.stopping.Load() {
		return errors.New("shutting down")
	}
	return nil
}

// Handler is the daemon's HTTP handler (for tests and benchmarks that serve
// it themselves).
func (d *Daemon) Handler() http.Handler { return d.handler }

// ReloadPolicy re-reads the policy file.
func (d *Daemon) ReloadPolicy() {
	if err := d.policy.Reload(); err != nil {
		d.log.Error("policy reload failed; the previous policy stays in force", "err", err)
		return
	}
	d.log.Info("policy reloaded", "source", d.policy.Source())
}

// Store is the daemon's store.
func (d *Daemon) Store() store.Store { return d.store }

// Bootstrap creates the admin token on a fresh install and returns the file
// that holds it.
func (d *Daemon) Bootstrap(ctx context.Context) (string, error) {
	tokenPath := filepath.Join(d.cfg.DataDir, config.AdminTokenFile)
	created, err := auth.Bootstrap(ctx, d.store, tokenPath, time.Now().UTC())
	if err != nil {
		return "", err
	}
	if created {
		d.log.Info("created the bootstrap admin token; wingctl on this machine uses it by itself", "file", tokenPath)
	}
	return tokenPath, nil
}

// Serve bootstraps the admin token, then serves on ln until ctx ends, and
// shuts down gracefully: readiness drops first, streams and long polls end,
// in-flight requests finish within the shutdown timeout.
func (d *Daemon) Serve(ctx context.Context, ln net.Listener) error {
	if _, err := d.Bootstrap(ctx); err != nil {
		return err
	}
	d.log.Info("wingmand serving", "addr", ln.Addr().String(), "store", d.store.Kind(), "policy", d.policy.Source())
	srv := &http.Server{Handler: d.handler, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(d.log.Handler(), slog.LevelWarn)}
	srv.RegisterOnShutdown(d.hub.Close)
	// The background loops stop, and are waited for, before Serve returns:
	// the caller closes the store next.
	sweepCtx, stopSweeps := context.WithCancel(context.Background())
	var loops sync.WaitGroup
	defer func() {
		stopSweeps()
		loops.Wait()
		if d.cfg.DatabaseURL != "" {
			d.seal(context.Background()) // what the last requests appended
		}
	}()
	background := func(fn func(context.Context)) {
		loops.Add(1)
		go func() {
			defer loops.Done()
			fn(sweepCtx)
		}()
	}
	background(d.sweep)
	background(d.pullBacklogs)
	if d.skills != nil && d.skillsAuto > 0 {
		background(d.autoUpdateSkills)
	}
	if d.cfg.DatabaseURL != "" {
		// Other replicas queue tasks too: their commits wake this one's
		// long polls through PostgreSQL.
		background(func(ctx context.Context) {
			postgres.Listen(ctx, d.cfg.DatabaseURL, postgres.TaskChannel, d.log, d.hub.Wake, nil)
		})
		background(d.sealLoop)
	}

	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	select {
	case err := <-serveErr:
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	d.log.Info("shutting down")
	d.stopping.Store(true)
	shutCtx, cancel := context.WithTimeout(context.Background(), d.cfg.ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(shutCtx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// sealEvery is how far the sealed audit chain may lag behind the appended
// events on PostgreSQL.
const sealEvery = 100 * time.Millisecond

// sealLoop seals appended audit events into the chain. Replicas may all
// run it: the head row lets one seal at a time and the others skip.
func (d *Daemon) sealLoop(ctx context.Context) { every(ctx, sealEvery, d.seal) }

// every runs fn each interval until ctx ends.
func every(ctx context.Context, interval time.Duration, fn func(context.Context)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			fn(ctx)
		}
	}
}

func (d *Daemon) seal(ctx context.Context) {
	for {
		n := 0
		err := d.store.Update(ctx, func(tx store.Tx) (err error) {
			n, err = tx.SealAudit(1000)
			return err
		})
		if err != nil {
			if ctx.Err() == nil {
				d.log.Error("seal audit events", "err", err)
			}
			return
		}
		if n < 1000 {
			return
		}
	}
}

// sweep expires plans nobody decided, reclaims lost task leases and marks
// silent workers, every sweep interval.
func (d *Daemon) sweep(ctx context.Context) {
	every(ctx, d.cfg.SweepInterval, func(ctx context.Context) {
		d.sweepOnce(ctx, "expire plans", "expired plans", slog.LevelInfo, d.approval.ExpireDue)
		d.sweepOnce(ctx, "reclaim task leases", "reclaimed tasks whose worker stopped answering", slog.LevelWarn, d.approval.ReclaimLeases)
		d.sweepOnce(ctx, "sweep workers", "workers stopped reporting", slog.LevelWarn, func(ctx context.Context) (int, error) {
			return d.advisor.SweepWorkers(ctx, d.store, d.hub, d.cfg.HeartbeatTimeout)
		})
	})
}

// syncSlots is how many backlog envelopes are stored at once: with one
// database writer, a live report then waits behind at most these.
const syncSlots = 2

// pullBacklogs pulls the offline backlogs of workers that serve one.
func (d *Daemon) pullBacklogs(ctx context.Context) {
	p := &backlog.Puller{Store: d.store, Ingest: d.ingest, Gate: d.syncGate, Log: d.log,
		HTTP: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
			Proxy:       http.ProxyFromEnvironment,
			DialContext: (&net.Dialer{Timeout: 3 * time.Second}).DialContext,
		}}}
	every(ctx, d.cfg.SyncPullInterval, func(ctx context.Context) {
		d.sweepOnce(ctx, "pull backlogs", "pulled envelopes from worker backlogs", slog.LevelInfo, p.Round)
	})
}

// sweepOnce runs one sweep and logs what it did or why it failed.
func (d *Daemon) sweepOnce(ctx context.Context, what, did string, level slog.Level, fn func(context.Context) (int, error)) {
	n, err := fn(ctx)
	switch {
	case err != nil && ctx.Err() == nil:
		d.log.Error(what, "err", err)
	case n > 0:
		d.log.Log(ctx, level, did, "count", n)
	}
}

// Close releases the store.
func (d *Daemon) Close() error { return d.store.Close() }

// LocalWorker registers the worker that runs beside this control plane
// (created on first use) and issues it a fresh token, revoking the ones
// before: the token lives only in this process.
func (d *Daemon) LocalWorker(ctx context.Context, id, site string) (string, error) {
	var secret string
	err := d.store.Update(ctx, func(tx store.Tx) error {
		now := time.Now().UTC()
		if _, err := tx.GetWorker(id); errors.Is(err, domain.ErrNotFound) {
			if err := tx.CreateWorker(domain.Worker{ID: id, SiteName: site, Health: domain.WorkerUnknown, CreatedAt: now}); err != nil {
				return err
			}
		} else if err != nil {
			return err
		}
		if err := tx.RevokeWorkerTokens(id, now); err != nil {
			return err
		}
		s, tk, err := auth.IssueWorkerToken(tx, id, now)
		secret = s
		if err != nil {
			return err
		}
		return tx.AppendAudit(&domain.AuditEvent{At: now, ActorKind: domain.PrincipalSystem, ActorID: domain.System.UserID,
			ActorName: domain.System.Name, Action: "worker.local", Subject: id, Outcome: domain.OutcomeOK,
			Detail: map[string]any{"token": tk.ID}})
	})
	if err != nil {
		return "", fmt.Errorf("local worker %s: %w", id, err)
	}
	return secret, nil
}
