-- The web console's sign-in sessions (issue #6). They live here, not in a
-- replica's memory, so that any replica serves any browser and signing out
-- ends a session on all of them. A row holds the hash of the session's
-- cookie (never the cookie), the ID token the session acts with and the
-- refresh token that renews it; refresh_lease is when the replica renewing
-- the tokens gives up its turn, so that one refresh token is spent once.
CREATE TABLE web_sessions (
	id_hash {{bytes}} PRIMARY KEY,
	id_token TEXT NOT NULL,
	token_expiry BIGINT NOT NULL,
	refresh_token TEXT NOT NULL DEFAULT '',
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	refresh_lease BIGINT NOT NULL DEFAULT 0
) {{keyed}};
CREATE INDEX web_sessions_expires_at ON web_sessions (expires_at);
