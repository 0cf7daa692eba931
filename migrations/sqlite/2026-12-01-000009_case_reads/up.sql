-- Case reads and lists without touching what they do not send.
-- `case_views`: each case's rendering (access::cases::render) — the exact JSON another country
-- receives (with the shared history stamp; the large value last, so the small ones are read
-- without it), its ETag and withheld paths, and the list summaries of both views. Written with
-- every case write and policy change; filled for existing cases at start-up (`case_views`).
CREATE TABLE case_views (
    case_id          TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    foreign_etag     TEXT NOT NULL,
    foreign_withheld TEXT NOT NULL,
    summary_own      TEXT NOT NULL,
    summary_foreign  TEXT NOT NULL,
    foreign_view     TEXT NOT NULL
);
INSERT INTO derived_versions (key, value) VALUES ('case_views', '0');

-- The search texts move out of the case rows, which then hold one large value (the document).
CREATE TABLE case_search (
    case_id       TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    search_full   TEXT NOT NULL,
    search_shared TEXT NOT NULL
);
INSERT INTO case_search (case_id, search_full, search_shared) SELECT id, search_full, search_shared FROM cases;
ALTER TABLE cases DROP COLUMN search_full;
ALTER TABLE cases DROP COLUMN search_shared;

-- Covering indexes: the access decision (`head`) and the list walks read index entries only.
DROP INDEX cases_reporting;
DROP INDEX cases_scope;
CREATE INDEX cases_head ON cases (id, reporting_country, version, shared_version, sharing_scope, retracted);
CREATE INDEX cases_own_walk ON cases (reporting_country, id, case_type, case_status, date_detected, updated_at);
CREATE INDEX cases_shared_walk ON cases (
    sharing_scope, id, reporting_country, retracted, case_type_shared, case_status_shared,
    date_detected_shared, shared_updated_at
);
