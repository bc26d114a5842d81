-- Marketplace (community) skills (issue #7): installed once, in the store
-- every replica shares, so that a worker gets the same set from any of
-- them. files is a JSON object from each file's path to its content, as
-- the skill was verified on install; the skill store verifies it again on
-- every read, so a row changed here is caught, not served. version repeats
-- the manifest's, for whoever reads the table; a row whose files say
-- another version is refused like any other change.
-- Local skills (the user's own) stay on each replica's disk. Not {{keyed}}:
-- SQLite advises against WITHOUT ROWID for rows this large.
CREATE TABLE skills (
	id TEXT PRIMARY KEY,
	version TEXT NOT NULL,
	files {{bytes}} NOT NULL,
	installed_at BIGINT NOT NULL
);
