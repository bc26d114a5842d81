package agent

import (
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/wingman-dev/wingman/core/config"
	"github.com/wingman-dev/wingman/core/domain"
	"github.com/wingman-dev/wingman/core/offline"
	"github.com/wingman-dev/wingman/core/worker"
)

// openBuffer opens the offline buffer (outbox and task inbox) and, when
// OFFLINE_SYNC_LISTEN is set, the listener the control plane pulls from.
func openBuffer(w *worker.Worker, cfg config.Worker, log *slog.Logger) error {
	var err error
	w.Outbox, err = offline.Open(cfg.OfflineBufferDir, offline.Options{
		MaxBytes: int64(cfg.OfflineBufferMaxMB) << 20, MaxAge: time.Duration(cfg.OfflineBufferMaxHours) * time.Hour,
		Log: log,
	})
	if err != nil {
		return err
	}
	if w.Inbox, err = offline.OpenInbox(cfg.OfflineBufferDir, log); err != nil {
		return err
	}
	if cfg.OfflineSyncListen == "" {
		return nil
	}
	key, err := offline.SyncKey(cfg.OfflineBufferDir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.OfflineSyncListen)
	if err != nil {
		return fmt.Errorf("OFFLINE_SYNC_LISTEN: %w", err)
	}
	url := cfg.OfflineSyncURL
	if url == "" {
		url = "http://" + ln.Addr().String()
	}
	w.Sync, w.SyncListener = &domain.SyncEndpoint{URL: url, Key: key}, ln
	return nil
}
