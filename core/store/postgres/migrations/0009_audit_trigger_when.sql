-- Sealing updates every event once, and a trigger that runs PL/pgSQL for
-- each of those rows cost more than the update itself. A WHEN clause is
-- checked by the server without calling the function, so the function now
-- runs only for the changes it refuses: an update of a sealed event, and
-- any delete.
DROP TRIGGER audit_log_no_change ON audit_log;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE ON audit_log
FOR EACH ROW WHEN (OLD.seq IS NOT NULL) EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
