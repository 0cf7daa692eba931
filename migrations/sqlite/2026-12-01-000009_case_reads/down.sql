DROP INDEX cases_shared_walk;
DROP INDEX cases_own_walk;
DROP INDEX cases_head;
CREATE INDEX cases_reporting ON cases (reporting_country, id);
CREATE INDEX cases_scope ON cases (sharing_scope, id);
ALTER TABLE cases ADD COLUMN search_full TEXT NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN search_shared TEXT NOT NULL DEFAULT '';
UPDATE cases SET
    search_full = (SELECT s.search_full FROM case_search s WHERE s.case_id = cases.id),
    search_shared = (SELECT s.search_shared FROM case_search s WHERE s.case_id = cases.id)
WHERE id IN (SELECT case_id FROM case_search);
DROP TABLE case_search;
DELETE FROM derived_versions WHERE key = 'case_views';
DROP TABLE case_views;
