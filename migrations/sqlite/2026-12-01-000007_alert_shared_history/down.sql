DROP INDEX document_alerts_shared_updated;
ALTER TABLE document_alerts DROP COLUMN valid_until_shared;
ALTER TABLE document_alerts DROP COLUMN shared_digest;
ALTER TABLE document_alerts DROP COLUMN shared_updated_at;
ALTER TABLE document_alerts DROP COLUMN shared_version;
