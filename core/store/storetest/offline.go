package storetest

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/store"
)

// testWorkerReports: a heartbeat synced late from a worker's buffer says
// the worker was seen, but does not roll its state back; gaps are stored
// once; an empty backlog marks the last sync.
func testWorkerReports(t *testing.T, s store.Store, _ *sql.DB) {
	oldest := t0.Add(-time.Hour)
	update(t, s, func(tx store.Tx) error {
		if err := tx.CreateWorker(domain.Worker{ID: "w1", SiteName: "A", Health: domain.WorkerUnknown, CreatedAt: t0}); err != nil {
			return err
		}
		return tx.SeeWorker("w1", domain.WorkerReport{Health: domain.WorkerDegraded, Version: "2.0",
			Backlog: domain.Backlog{Files: 3, Bytes: 900, Oldest: &oldest, Quarantined: 1},
			Sync:    &domain.SyncEndpoint{URL: "http://10.0.0.5:8471", Key: "k"}, ReportedAt: t0, SeenAt: t0})
	})
	update(t, s, func(tx store.Tx) error {
		return tx.SeeWorker("w1", domain.WorkerReport{Health: domain.WorkerHealthy, Version: "1.0",
			ReportedAt: t0.Add(-time.Minute), SeenAt: t0.Add(time.Minute)})
	})
	view(t, s, func(tx store.Tx) error {
		w, err := tx.GetWorker("w1")
		if err != nil {
			return err
		}
		if w.Health != domain.WorkerDegraded || w.Version != "2.0" || w.Backlog.Files != 3 || w.Backlog.Bytes != 900 ||
			w.Backlog.Quarantined != 1 || w.Backlog.Oldest == nil || !w.Backlog.Oldest.Equal(oldest) {
			t.Errorf("an older heartbeat rolled the state back: %+v", w)
		}
		if w.LastSeenAt == nil || !w.LastSeenAt.Equal(t0.Add(time.Minute)) {
			t.Errorf("last seen = %v, want the older heartbeat's arrival %s", w.LastSeenAt, t0.Add(time.Minute))
		}
		if w.Sync == nil || w.Sync.URL != "http://10.0.0.5:8471" || w.LastSyncAt != nil {
			t.Errorf("sync = %+v, last sync %v; want the endpoint and no sync yet (backlog not empty)", w.Sync, w.LastSyncAt)
		}
		return nil
	})
	gap := domain.Gap{ID: "gap-1", PayloadType: domain.PayloadFacts, Files: 4, Bytes: 4000, From: t0.Add(-2 * time.Hour),
		To: t0.Add(-time.Hour), Reason: domain.GapCap}
	update(t, s, func(tx store.Tx) error {
		// Sent twice, then grown, then an older report synced late.
		grown, older := gap, gap
		grown.Files, grown.To = 6, t0.Add(-time.Minute)
		older.Files = 2
		for _, g := range []domain.Gap{gap, gap, grown, older} {
			if err := tx.AddGaps("w1", []domain.Gap{g}, t0); err != nil {
				return err
			}
		}
		return tx.SeeWorker("w1", domain.WorkerReport{Health: domain.WorkerHealthy, ReportedAt: t0.Add(time.Minute),
			SeenAt: t0.Add(2 * time.Minute)})
	})
	view(t, s, func(tx store.Tx) error {
		gaps, err := tx.WorkerGaps("w1", 10)
		if err != nil {
			return err
		}
		if len(gaps) != 1 || gaps[0].Files != 6 || !gaps[0].To.Equal(t0.Add(-time.Minute)) || gaps[0].Reason != domain.GapCap {
			t.Errorf("gaps = %+v, want the one gap once, as its largest report", gaps)
		}
		w, err := tx.GetWorker("w1")
		if err != nil {
			return err
		}
		if w.Backlog.Files != 0 || w.LastSyncAt == nil || !w.LastSyncAt.Equal(t0.Add(2*time.Minute)) || w.Sync != nil {
			t.Errorf("after an empty backlog: %+v; want last sync at %s and no sync endpoint", w, t0.Add(2*time.Minute))
		}
		return nil
	})
}

// testLeasesOffline: the lease of a task whose worker is unreachable is
// left alone for the grace period; a heartbeat renews the leases of the
// tasks a worker holds, and only those.
func testLeasesOffline(t *testing.T, s store.Store, _ *sql.DB) {
	var ids []string
	update(t, s, func(tx store.Tx) error {
		for _, w := range []string{"on", "off"} {
			if err := tx.CreateWorker(domain.Worker{ID: w, SiteName: "A", Health: domain.WorkerHealthy, CreatedAt: t0}); err != nil {
				return err
			}
			if err := tx.SeeWorker(w, domain.WorkerReport{Health: domain.WorkerHealthy, ReportedAt: t0, SeenAt: t0}); err != nil {
				return err
			}
			if _, err := Enqueue(tx, w, "docker", "restart", 2); err != nil {
				return err
			}
		}
		return nil
	})
	for _, w := range []string{"on", "off"} {
		tks, _, err := s.ClaimTasks(context.Background(), w, 2, t0, t0.Add(time.Minute), domain.Principal{Kind: domain.PrincipalWorker, Name: w, WorkerID: w})
		if err != nil {
			t.Fatal(err)
		}
		for _, tk := range tks {
			ids = append(ids, tk.ID)
		}
	}
	update(t, s, func(tx store.Tx) error { return tx.SetWorkerHealth("off", domain.WorkerUnreachable) })
	expired := func(now, offlineSince time.Time) []string {
		var out []string
		update(t, s, func(tx store.Tx) error {
			ts, err := tx.ExpiredLeases(now, offlineSince)
			for _, tk := range ts {
				out = append(out, tk.WorkerID)
			}
			return err
		})
		return out
	}
	later := t0.Add(2 * time.Minute)
	if got := expired(later, later.Add(-time.Hour)); len(got) != 2 || got[0] != "on" || got[1] != "on" {
		t.Errorf("expired leases within the grace = %v, want only worker on's two", got)
	}
	if got := expired(later, t0.Add(time.Second)); len(got) != 4 {
		t.Errorf("expired leases past the grace = %v, want all four", got)
	}
	update(t, s, func(tx store.Tx) error {
		n, err := tx.RenewLeases("on", []string{ids[0], ids[2], "tk-nope"}, later.Add(time.Minute))
		if n != 1 {
			t.Errorf("renewed %d leases, want 1 (a task of another worker and an unknown one are not renewed)", n)
		}
		return err
	})
	if got := expired(later, later.Add(-time.Hour)); len(got) != 1 {
		t.Errorf("expired after renewing one of worker on's = %v, want the other one", got)
	}
}
