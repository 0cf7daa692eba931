-- What other countries see of a case's history: a version and a time that move only when their
-- (redacted) view changes, so an edit confined to reserved fields is invisible to them.
ALTER TABLE cases ADD COLUMN shared_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN shared_updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN shared_digest TEXT NOT NULL DEFAULT '';
UPDATE cases SET shared_version = version, shared_updated_at = updated_at;
CREATE INDEX cases_shared_updated ON cases (shared_updated_at);
