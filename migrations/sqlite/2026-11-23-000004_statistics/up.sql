-- Statistical facts of every case (kept in step with each case write): one row per person,
-- suspect, document and route leg with the single-valued dimensions as columns, and one row per
-- value of the multi-valued dimensions. Statistics aggregate these, never the JSON documents.
CREATE TABLE stat_persons (
    case_id           TEXT NOT NULL REFERENCES cases (id),
    idx               INTEGER NOT NULL,
    reporting_country TEXT NOT NULL,
    year              INTEGER NOT NULL,
    semester          TEXT NOT NULL,
    month             INTEGER,
    case_type         TEXT NOT NULL,
    detection_setting TEXT,
    included          BOOLEAN NOT NULL,
    person_role       TEXT,
    is_victim         BOOLEAN NOT NULL,
    is_smuggled       BOOLEAN NOT NULL,
    sex               TEXT,
    age_band          TEXT,
    is_minor          BOOLEAN,
    origin_class      TEXT,
    return_status     TEXT,
    PRIMARY KEY (case_id, idx)
);
CREATE INDEX stat_persons_period ON stat_persons (included, year, reporting_country);

CREATE TABLE stat_suspects (
    case_id           TEXT NOT NULL REFERENCES cases (id),
    idx               INTEGER NOT NULL,
    reporting_country TEXT NOT NULL,
    year              INTEGER NOT NULL,
    semester          TEXT NOT NULL,
    month             INTEGER,
    case_type         TEXT NOT NULL,
    detection_setting TEXT,
    included          BOOLEAN NOT NULL,
    sex               TEXT,
    age_band          TEXT,
    procedural_status TEXT,
    verdict           TEXT,
    PRIMARY KEY (case_id, idx)
);
CREATE INDEX stat_suspects_period ON stat_suspects (included, year, reporting_country);

CREATE TABLE stat_documents (
    case_id                 TEXT NOT NULL REFERENCES cases (id),
    idx                     INTEGER NOT NULL,
    reporting_country TEXT NOT NULL,
    year              INTEGER NOT NULL,
    semester          TEXT NOT NULL,
    month             INTEGER,
    case_type         TEXT NOT NULL,
    detection_setting TEXT,
    included          BOOLEAN NOT NULL,
    document_type           TEXT,
    fraud_type              TEXT,
    issuing_state           TEXT,
    nationality_in_document TEXT,
    document_setting        TEXT,
    is_false_passport       BOOLEAN NOT NULL,
    origin_class            TEXT,
    PRIMARY KEY (case_id, idx)
);
CREATE INDEX stat_documents_period ON stat_documents (included, semester, reporting_country);

CREATE TABLE stat_legs (
    case_id              TEXT NOT NULL REFERENCES cases (id),
    idx                  INTEGER NOT NULL,
    reporting_country TEXT NOT NULL,
    year              INTEGER NOT NULL,
    semester          TEXT NOT NULL,
    month             INTEGER,
    case_type         TEXT NOT NULL,
    detection_setting TEXT,
    included          BOOLEAN NOT NULL,
    from_country         TEXT,
    to_country           TEXT,
    transport_means      TEXT,
    border_crossing_type TEXT,
    stage                TEXT,
    PRIMARY KEY (case_id, idx)
);
CREATE INDEX stat_legs_period ON stat_legs (included, year, reporting_country);

CREATE TABLE stat_values (
    case_id   TEXT NOT NULL REFERENCES cases (id),
    entity    TEXT NOT NULL,
    idx       INTEGER NOT NULL,
    dimension TEXT NOT NULL,
    value     TEXT NOT NULL,
    PRIMARY KEY (case_id, entity, idx, dimension, value)
);
CREATE INDEX stat_values_dimension ON stat_values (dimension, value);
