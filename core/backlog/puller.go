// Package backlog is the control plane's side of the reconnect sync: it
// pulls the offline backlog of workers that serve /offline/pending (see
// core/offline), newest first, under the one sync rate limit that also
// admits the backlogs workers push themselves. Ingest is idempotent, so a
// file both pulled and pushed is stored once.
package backlog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/ingest"
	"github.com/wingman-dev/wingman/core/offline"
	"github.com/wingman-dev/wingman/core/store"
)

// Ingester stores an envelope for a worker (ingest.Service).
type Ingester interface {
	Ingest(ctx context.Context, p domain.Principal, env domain.Envelope) (domain.IngestResponse, error)
}

// Puller pulls backlogs. Its zero value is not usable: Store, Ingest,
// Gate, HTTP and Log are required.
type Puller struct {
	Store  store.Store
	Ingest Ingester
	Gate   *Gate
	HTTP   *http.Client
	Log    *slog.Logger
}

// pullers bounds how many workers are pulled at once; the rate limit
// bounds the envelopes.
const pullers = 8

// batch is how many file names one /offline/pending answer lists.
const batch = 200

// maxFile caps one pulled envelope, as the ingest endpoint caps a body.
const maxFile = 4 << 20

// Round pulls from every worker that announced a sync endpoint and either
// reported a backlog or is unreachable (it may be reachable from here
// while it cannot reach us), and returns how many envelopes it stored.
func (p *Puller) Round(ctx context.Context) (int, error) {
	var ws []domain.Worker
	if err := p.Store.View(ctx, func(tx store.Tx) (err error) { ws, err = tx.ListWorkers(); return err }); err != nil {
		return 0, fmt.Errorf("pull backlogs: %w", err)
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		total int
		sem   = make(chan struct{}, pullers)
	)
	for _, w := range ws {
		if w.Sync == nil || (w.Online() && w.Backlog.Files == 0) {
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, err := p.Pull(ctx, w)
			if err != nil && ctx.Err() == nil {
				p.Log.Debug("pull backlog", "worker", w.ID, "err", err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	return total, nil
}

// Pull drains one worker's backlog, newest first, and returns how many
// envelopes it stored. Each file is deleted at the worker only after it
// was stored; a file the control plane refuses is quarantined there. It
// stops after a listing shorter than a batch: what the worker writes from
// then on, it pushes itself.
func (p *Puller) Pull(ctx context.Context, w domain.Worker) (int, error) {
	n := 0
	for {
		var list struct {
			Files []offline.Item `json:"files"`
		}
		data, err := p.call(ctx, w, http.MethodGet, fmt.Sprintf("/offline/pending?limit=%d", batch), nil)
		if err != nil {
			return n, err
		}
		if err := json.Unmarshal(data, &list); err != nil {
			return n, fmt.Errorf("pull %s: pending list: %w", w.ID, err)
		}
		for _, it := range list.Files {
			stored, err := p.one(ctx, w, it.Name)
			if err != nil {
				return n, err
			}
			if stored {
				n++
			}
		}
		if len(list.Files) < batch {
			return n, nil
		}
	}
}

// one moves one file from the worker into the store.
func (p *Puller) one(ctx context.Context, w domain.Worker, name string) (bool, error) {
	file := "/offline/files/" + url.PathEscape(name)
	data, err := p.call(ctx, w, http.MethodGet, file, nil)
	if errors.Is(err, errGone) {
		return false, nil // pushed and deleted meanwhile
	}
	if err != nil {
		return false, err
	}
	env, err := ingest.Decode(data)
	if err == nil && env.WorkerID != w.ID {
		err = fmt.Errorf("envelope of worker %q in the backlog of %q: %w", env.WorkerID, w.ID, domain.ErrForbidden)
	}
	if err == nil {
		err = p.store(ctx, w, env)
	}
	if err != nil {
		if !refused(err) {
			return false, fmt.Errorf("pull %s: store %s: %w", w.ID, name, err)
		}
		p.Log.Warn("pulled envelope refused; quarantined at the worker", "worker", w.ID, "file", name, "err", err)
		_, qerr := p.call(ctx, w, http.MethodPost, file+"/quarantine", strings.NewReader(err.Error()))
		return false, qerr
	}
	if _, err := p.call(ctx, w, http.MethodDelete, file, nil); err != nil && !errors.Is(err, errGone) {
		return true, err
	}
	return true, nil
}

// store ingests one envelope under the gate, which is held only while the
// database works: not while the worker's network is slow.
func (p *Puller) store(ctx context.Context, w domain.Worker, env domain.Envelope) error {
	release, err := p.Gate.Admit(ctx)
	if err != nil {
		return err
	}
	defer release()
	_, err = p.Ingest.Ingest(ctx, domain.Principal{Kind: domain.PrincipalWorker, WorkerID: w.ID, Name: w.ID}, env)
	return err
}

// refused tells an envelope that will never be accepted from a failure to
// store it now.
func refused(err error) bool {
	for _, e := range []error{domain.ErrInvalid, domain.ErrTooLarge, domain.ErrForbidden, domain.ErrNotFound} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

var errGone = errors.New("no longer at the worker")

// call makes one request to a worker's sync endpoint.
func (p *Puller) call(ctx context.Context, w domain.Worker, method, path string, body io.Reader) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(w.Sync.URL, "/")+path, body)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", w.ID, err)
	}
	req.Header.Set("Authorization", "Bearer "+w.Sync.Key)
	resp, err := p.HTTP.Do(req)
	if err != nil {
		return nil, fmt.Errorf("pull %s: %w", w.ID, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxFile+1))
	switch {
	case err != nil:
		return nil, fmt.Errorf("pull %s: %s %s: %w", w.ID, method, path, err)
	case resp.StatusCode == http.StatusNotFound:
		return nil, errGone
	case resp.StatusCode/100 != 2:
		return nil, fmt.Errorf("pull %s: %s %s: %s: %s", w.ID, method, path, resp.Status, strings.TrimSpace(string(data)))
	case len(data) > maxFile:
		return nil, fmt.Errorf("pull %s: %s %s: answer over %d bytes", w.ID, method, path, maxFile)
	}
	return data, nil
}
