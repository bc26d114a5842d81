-- The audit log is append-only: a sealed event never changes. The triggers
-- stop honest mistakes; the hash chain catches whoever drops them.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log WHEN OLD.seq IS NOT NULL
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
