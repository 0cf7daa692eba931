DROP INDEX cases_shared_updated;
ALTER TABLE cases DROP COLUMN shared_digest;
ALTER TABLE cases DROP COLUMN shared_updated_at;
ALTER TABLE cases DROP COLUMN shared_version;
