ALTER TABLE case_views DROP COLUMN policy_version;
ALTER TABLE reservation_policies DROP COLUMN effective_from;
DROP INDEX reservation_policy_versions_scheduled;
ALTER TABLE reservation_policy_versions DROP COLUMN applied_at;
ALTER TABLE reservation_policy_versions DROP COLUMN state;
ALTER TABLE reservation_policy_versions DROP COLUMN effective_from;
DROP TABLE admin_recoveries;
ALTER TABLE parties DROP COLUMN onboarded_at;
