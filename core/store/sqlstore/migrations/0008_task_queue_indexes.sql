-- The queue's three questions: a worker's oldest queued tasks (the
-- claim), the running tasks whose lease ran out (the sweep), and whether a
-- plan still has a task that has not ended (each result asks it of its
-- plan). Partial indexes hold only the rows each asks about, so a task
-- that is claimed or ends adds no entry to an index it has left, and the
-- sweep no longer reads every task ever run. The statements spell the
-- conditions literally: a partial index serves only a WHERE that says the
-- same. A plan's tasks are queued in one instant, so the claim's order
-- takes them by their place in the plan.
DROP INDEX tasks_claim;
CREATE INDEX tasks_queued ON tasks (worker_id, created_at, plan_id, action_index, id) WHERE status = 'queued';
CREATE INDEX tasks_leased ON tasks (lease_until) WHERE status = 'running';
-- With the status in the key, "is any task of this plan open?" is one
-- probe however many of its tasks have ended.
DROP INDEX tasks_plan;
CREATE INDEX tasks_plan ON tasks (plan_id, status);
