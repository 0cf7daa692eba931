-- Statistics as a column store. Each case counted in statistics has one record (both forms,
-- every entity row) in `stat_case_facts`, written in the transaction of the case write, with a
-- marker in `stat_dirty` for the partition (reporting country and month) it changed. The
-- compaction turns a changed partition's records into column segments (`stat_columns`, one
-- blob per column and form) and removes its markers; a query reads the segments of unchanged
-- partitions and the records of changed ones, in one snapshot. The row-per-fact tables go.
DROP TABLE stat_values;
DROP TABLE stat_legs;
DROP TABLE stat_documents;
DROP TABLE stat_suspects;
DROP TABLE stat_persons;
DROP TABLE stat_cases;

CREATE TABLE stat_case_facts (
    case_id TEXT PRIMARY KEY NOT NULL REFERENCES cases (id),
    part    TEXT NOT NULL,
    data    BLOB NOT NULL
);
CREATE INDEX stat_case_facts_part ON stat_case_facts (part, case_id);

CREATE TABLE stat_dirty (
    id        INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    part      TEXT NOT NULL,
    marked_at BIGINT NOT NULL
);
CREATE INDEX stat_dirty_part ON stat_dirty (part);

CREATE TABLE stat_columns (
    shared  BOOLEAN NOT NULL,
    col     TEXT NOT NULL,
    part    TEXT NOT NULL,
    country TEXT NOT NULL,
    year    TEXT NOT NULL,
    data    BLOB NOT NULL,
    PRIMARY KEY (shared, col, part)
) WITHOUT ROWID;
CREATE INDEX stat_columns_part ON stat_columns (part);

-- Derived data and the version of the code that derived it (`stat_records` here): at start-up,
-- data of an older derivation (or none, as after this migration) is rebuilt from the case documents.
CREATE TABLE derived_versions (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
INSERT INTO derived_versions (key, value) VALUES ('stat_records', '0');
