-- Wingman's first schema, for both stores. Times are Unix milliseconds.
-- The words in double braces are what the dialects spell differently;
-- Dialect.Schema fills them in.
CREATE TABLE envelopes (
	id TEXT PRIMARY KEY,
	worker_id TEXT NOT NULL,
	payload_type TEXT NOT NULL,
	received_at BIGINT NOT NULL
);

CREATE TABLE facts (
	worker_id TEXT NOT NULL,
	type TEXT NOT NULL,
	name TEXT NOT NULL,
	site_name TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	attrs TEXT NOT NULL DEFAULT '{}',
	observed_at BIGINT NOT NULL,
	PRIMARY KEY (worker_id, type, name)
) {{keyed}};
-- No (type, status) index: facts holds only the latest state (thousands of
-- rows in a homelab), which a scan counts quickly, while every changed fact
-- would pay to keep the index.

CREATE TABLE fact_history (
	id {{id}},
	worker_id TEXT NOT NULL,
	type TEXT NOT NULL,
	name TEXT NOT NULL,
	site_name TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL,
	prev_status TEXT NOT NULL DEFAULT '',
	attrs TEXT NOT NULL DEFAULT '{}',
	observed_at BIGINT NOT NULL
);
CREATE INDEX fact_history_key ON fact_history (worker_id, type, name, observed_at);
CREATE INDEX fact_history_time ON fact_history (observed_at);

-- Log summaries, made at the site: raw lines never reach this table.
CREATE TABLE log_summaries (
	id {{id}},
	worker_id TEXT NOT NULL,
	source TEXT NOT NULL,
	from_at BIGINT NOT NULL,
	to_at BIGINT NOT NULL,
	summary TEXT NOT NULL
);
CREATE INDEX log_summaries_worker ON log_summaries (worker_id, to_at);

CREATE TABLE workers (
	id TEXT PRIMARY KEY,
	site_name TEXT NOT NULL,
	health TEXT NOT NULL,
	version TEXT NOT NULL DEFAULT '',
	capabilities TEXT NOT NULL DEFAULT '[]',
	created_at BIGINT NOT NULL,
	last_seen_at BIGINT
);

CREATE TABLE users (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	email TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	issuer TEXT NOT NULL,
	subject TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (issuer, subject)
);

CREATE TABLE tokens (
	id TEXT PRIMARY KEY,
	name TEXT NOT NULL,
	kind TEXT NOT NULL,
	role TEXT NOT NULL DEFAULT '',
	user_id TEXT NOT NULL DEFAULT '',
	worker_id TEXT NOT NULL DEFAULT '',
	hash {{bytes}} NOT NULL UNIQUE,
	created_at BIGINT NOT NULL,
	expires_at BIGINT,
	revoked_at BIGINT
);

CREATE TABLE incidents (
	id TEXT PRIMARY KEY,
	kind TEXT NOT NULL,
	title TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT '',
	severity TEXT NOT NULL,
	state TEXT NOT NULL,
	site_name TEXT NOT NULL DEFAULT '',
	worker_id TEXT NOT NULL,
	target_type TEXT NOT NULL,
	target TEXT NOT NULL,
	plan_id TEXT NOT NULL DEFAULT '',
	opened_at BIGINT NOT NULL,
	acked_at BIGINT,
	resolved_at BIGINT
);
CREATE UNIQUE INDEX incidents_one_open ON incidents (worker_id, target_type, target) WHERE state <> 'resolved';
CREATE INDEX incidents_opened ON incidents (opened_at);

CREATE TABLE plans (
	id TEXT PRIMARY KEY,
	incident_id TEXT NOT NULL DEFAULT '',
	title TEXT NOT NULL,
	rationale TEXT NOT NULL,
	author TEXT NOT NULL,
	status TEXT NOT NULL,
	actions TEXT NOT NULL,
	required_approvals INTEGER NOT NULL,
	author_may_approve INTEGER NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	decided_at BIGINT
);
CREATE INDEX plans_status ON plans (status, expires_at);
CREATE INDEX plans_created ON plans (created_at);

CREATE TABLE approvals (
	plan_id TEXT NOT NULL REFERENCES plans (id),
	user_id TEXT NOT NULL,
	user_name TEXT NOT NULL,
	role TEXT NOT NULL,
	decision TEXT NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	at BIGINT NOT NULL,
	PRIMARY KEY (plan_id, user_id)
);

CREATE TABLE tasks (
	id TEXT PRIMARY KEY,
	plan_id TEXT NOT NULL REFERENCES plans (id),
	action_index INTEGER NOT NULL,
	worker_id TEXT NOT NULL,
	plugin TEXT NOT NULL,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	params TEXT NOT NULL DEFAULT '{}',
	blast_radius TEXT NOT NULL DEFAULT '{}',
	status TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	lease_until BIGINT,
	created_at BIGINT NOT NULL,
	started_at BIGINT,
	finished_at BIGINT,
	output TEXT NOT NULL DEFAULT '',
	error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tasks_claim ON tasks (worker_id, status, created_at);
CREATE INDEX tasks_plan ON tasks (plan_id);

-- An event is appended unsealed (seq NULL) and sealed into the hash chain
-- in append order: at once on SQLite, by a sealer on PostgreSQL so that
-- concurrent transactions do not queue on the chain's head.
CREATE TABLE audit_log (
	id {{id}},
	seq BIGINT UNIQUE,
	at BIGINT NOT NULL,
	actor_kind TEXT NOT NULL,
	actor_id TEXT NOT NULL,
	actor_name TEXT NOT NULL,
	actor_role TEXT NOT NULL DEFAULT '',
	action TEXT NOT NULL,
	subject TEXT NOT NULL DEFAULT '',
	outcome TEXT NOT NULL,
	reason TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT 'null',
	prev_hash TEXT NOT NULL DEFAULT '',
	hash TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_unsealed ON audit_log (id) WHERE seq IS NULL;
CREATE TABLE audit_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');
