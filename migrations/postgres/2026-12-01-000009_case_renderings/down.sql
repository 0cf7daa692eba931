DELETE FROM derived_versions WHERE key = 'case_views';
ALTER TABLE cases DROP COLUMN summary_foreign;
ALTER TABLE cases DROP COLUMN summary_own;
ALTER TABLE cases DROP COLUMN foreign_withheld;
ALTER TABLE cases DROP COLUMN foreign_etag;
ALTER TABLE cases DROP COLUMN foreign_view;
