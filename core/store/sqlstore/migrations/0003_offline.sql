-- Offline-first workers (issue #4): what each worker's buffer holds as of
-- its newest heartbeat, where the control plane may pull it, and the gaps
-- a full buffer left in the history.
ALTER TABLE workers ADD COLUMN backlog_files INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN backlog_bytes BIGINT NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN backlog_oldest_at BIGINT;
ALTER TABLE workers ADD COLUMN quarantined INTEGER NOT NULL DEFAULT 0;
ALTER TABLE workers ADD COLUMN reported_at BIGINT;
ALTER TABLE workers ADD COLUMN last_sync_at BIGINT;
ALTER TABLE workers ADD COLUMN sync_url TEXT NOT NULL DEFAULT '';
ALTER TABLE workers ADD COLUMN sync_key TEXT NOT NULL DEFAULT '';

CREATE TABLE worker_gaps (
	worker_id TEXT NOT NULL,
	id TEXT NOT NULL,
	payload_type TEXT NOT NULL,
	files INTEGER NOT NULL,
	bytes BIGINT NOT NULL,
	from_at BIGINT NOT NULL,
	to_at BIGINT NOT NULL,
	reason TEXT NOT NULL,
	recorded_at BIGINT NOT NULL,
	PRIMARY KEY (worker_id, id)
);
CREATE INDEX worker_gaps_recent ON worker_gaps (worker_id, recorded_at);
