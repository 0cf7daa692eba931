-- What other countries see of an alert's history, as for cases (000006): a version and a time
-- that move only when their (redacted) view changes, so an edit confined to reserved fields is
-- invisible to them; and `valid_until` for their `active` filter, NULL when the reporting officer
-- reserved it on the alert (the only way it can be reserved).
ALTER TABLE document_alerts ADD COLUMN shared_version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE document_alerts ADD COLUMN shared_updated_at TEXT NOT NULL DEFAULT '';
ALTER TABLE document_alerts ADD COLUMN shared_digest TEXT NOT NULL DEFAULT '';
ALTER TABLE document_alerts ADD COLUMN valid_until_shared TEXT;
UPDATE document_alerts SET shared_version = version, shared_updated_at = updated_at;
UPDATE document_alerts SET valid_until_shared = valid_until WHERE document NOT LIKE '%"path":"valid_until"%';
CREATE INDEX document_alerts_shared_updated ON document_alerts (shared_updated_at);
