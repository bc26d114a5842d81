-- Dashboards read the fact history over days and weeks: restarts per day,
-- status changes by hour, the latest changes. Host metrics add a history
-- row on every collection without changing status, so restarts and
-- changes are a small part of fact_history; these partial indexes hold
-- only them and cost that churn nothing. A query uses one when its WHERE
-- spells the index's condition the same way.
CREATE INDEX fact_history_restarts ON fact_history (observed_at)
	WHERE type = 'container' AND status = 'running' AND prev_status NOT IN ('', 'running');
CREATE INDEX fact_history_changes ON fact_history (observed_at, type) WHERE status <> prev_status;
