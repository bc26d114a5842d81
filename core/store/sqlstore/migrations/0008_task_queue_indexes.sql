-- The queue's two questions: a worker's oldest queued tasks (the claim)
-- and the running tasks whose lease ran out (the sweep). Partial indexes
-- hold only the rows each asks about, so a task that is claimed or ends
-- adds no entry to an index it has left, and the sweep no longer reads
-- every task ever run. The statements spell the conditions literally: a
-- partial index serves only a WHERE that says the same.
DROP INDEX tasks_claim;
CREATE INDEX tasks_queued ON tasks (worker_id, created_at, id) WHERE status = 'queued';
CREATE INDEX tasks_leased ON tasks (lease_until) WHERE status = 'running';
