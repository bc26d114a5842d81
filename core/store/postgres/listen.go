package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// TaskChannel is the channel on which a committed task queueing announces
// the worker it is for. Notifications carry the worker id only.
const TaskChannel = "wingman_tasks"

// Listen delivers every notification on channel to fn until ctx ends,
// reconnecting after a lost connection. Notifications sent while it was
// disconnected are lost; callers poll as well, so a lost wake-up delays a
// task by one poll interval at most. connected, when not nil, is called
// each time the LISTEN is in place.
func Listen(ctx context.Context, url, channel string, log *slog.Logger, fn func(payload string), connected func()) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listenOnce(ctx, url, channel, fn, func() {
			backoff = 100 * time.Millisecond
			if connected != nil {
				connected()
			}
		})
		if ctx.Err() != nil {
			return
		}
		log.Warn("LISTEN connection lost; reconnecting", "channel", channel, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// ListenerName is the application_name of LISTEN connections, so that an
// operator (or a test) can find them in pg_stat_activity. An
// application_name set in the database URL is kept in front of it
// ("replica-a/wingman-listen"), so the listeners of replicas sharing a
// database can be told apart.
const ListenerName = "wingman-listen"

// ListenerApp is the application_name a LISTEN connection opened from a
// URL that names its application as app carries.
func ListenerApp(app string) string {
	if app == "" {
		return ListenerName
	}
	return app + "/" + ListenerName
}

func listenOnce(ctx context.Context, url, channel string, fn func(string), connected func()) error {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return fmt.Errorf("parse database URL: %w", err)
	}
	cfg.RuntimeParams["application_name"] = ListenerApp(cfg.RuntimeParams["application_name"])
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return fmt.Errorf("connect: %w", err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return fmt.Errorf("listen %s: %w", channel, err)
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		fn(n.Payload)
	}
}
