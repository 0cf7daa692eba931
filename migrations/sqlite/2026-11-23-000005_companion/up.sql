-- Companion resources of the private area (SPEC §7): fraudulent-document alerts (M1) with their
-- specimen images, countries' manual semester false-passport aggregates (M2), the liaison
-- directory (M3), entry requirements by nationality (M5) and country activity reports (R13).

-- M1. An alert's document is JSON like a case's; the `*_shared` columns are NULL when the
-- reporting country reserves that field, so other countries can never filter on a reserved value.
CREATE TABLE document_alerts (
    id                    TEXT PRIMARY KEY NOT NULL,
    reporting_country     TEXT NOT NULL REFERENCES parties (code),
    version               INTEGER NOT NULL,
    alert_status          TEXT NOT NULL CHECK (alert_status IN ('active', 'withdrawn')),
    valid_until           TEXT,
    sharing_scope         TEXT NOT NULL CHECK (sharing_scope IN ('network', 'listed', 'national')),
    issuing_state         TEXT,
    issuing_state_shared  TEXT,
    document_type         TEXT,
    document_type_shared  TEXT,
    fraud_type            TEXT,
    fraud_type_shared     TEXT,
    document              TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    created_by            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    updated_by            TEXT NOT NULL
);
CREATE INDEX document_alerts_reporting ON document_alerts (reporting_country, id);
CREATE INDEX document_alerts_updated ON document_alerts (updated_at);

CREATE TABLE document_alert_shares (
    alert_id TEXT NOT NULL REFERENCES document_alerts (id),
    country  TEXT NOT NULL,
    PRIMARY KEY (alert_id, country)
);
CREATE INDEX document_alert_shares_country ON document_alert_shares (country, alert_id);

-- Specimen images, metadata already stripped; small (a few MB at most), so kept in the database.
CREATE TABLE document_alert_images (
    id           TEXT PRIMARY KEY NOT NULL,
    alert_id     TEXT NOT NULL REFERENCES document_alerts (id),
    content_type TEXT NOT NULL CHECK (content_type IN ('image/png', 'image/jpeg')),
    size_bytes   BIGINT NOT NULL,
    sha256       TEXT NOT NULL,
    data         BLOB NOT NULL,
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL
);
CREATE INDEX document_alert_images_alert ON document_alert_images (alert_id, id);

-- M2. A country's manual aggregate for a semester; replaces its figure derived from cases.
CREATE TABLE false_passport_reports (
    reporting_country            TEXT NOT NULL REFERENCES parties (code),
    semester                     TEXT NOT NULL,
    persons_with_false_passports BIGINT NOT NULL CHECK (persons_with_false_passports >= 0),
    breakdowns                   TEXT NOT NULL,
    version                      INTEGER NOT NULL,
    submitted_at                 TEXT NOT NULL,
    submitted_by                 TEXT NOT NULL,
    PRIMARY KEY (reporting_country, semester)
);

-- M3. Liaison directory. Personal data (name, email, phone) of contact officials.
CREATE TABLE directory_entries (
    id               TEXT PRIMARY KEY NOT NULL,
    country          TEXT NOT NULL REFERENCES parties (code),
    institution      TEXT NOT NULL,
    unit             TEXT,
    position         TEXT,
    contact_role     TEXT NOT NULL,
    name             TEXT NOT NULL,
    email            TEXT NOT NULL,
    phone            TEXT,
    languages        TEXT NOT NULL,
    valid_from       TEXT,
    valid_to         TEXT,
    last_verified_at TEXT NOT NULL,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL
);
CREATE INDEX directory_entries_country ON directory_entries (country, contact_role);

-- M5. Entry requirements by nationality.
CREATE TABLE entry_requirements (
    id               TEXT PRIMARY KEY NOT NULL,
    member_country   TEXT NOT NULL REFERENCES parties (code),
    nationality      TEXT NOT NULL,
    requirement      TEXT NOT NULL,
    valid_from       TEXT NOT NULL,
    source_reference TEXT,
    notes            TEXT,
    version          INTEGER NOT NULL,
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    updated_by       TEXT NOT NULL,
    UNIQUE (member_country, nationality, valid_from)
);
CREATE INDEX entry_requirements_nationality ON entry_requirements (nationality);

-- R13. Country activity reports; the file itself lives in the data directory (`storage_key`).
CREATE TABLE country_reports (
    id                     TEXT PRIMARY KEY NOT NULL,
    country                TEXT NOT NULL REFERENCES parties (code),
    title                  TEXT NOT NULL,
    period                 TEXT NOT NULL,
    language               TEXT NOT NULL,
    file_type              TEXT NOT NULL CHECK (file_type IN ('pdf', 'docx', 'odt')),
    size_bytes             BIGINT NOT NULL,
    sha256                 TEXT NOT NULL,
    storage_key            TEXT NOT NULL,
    published_to_observers BOOLEAN NOT NULL DEFAULT FALSE,
    published_at           TEXT,
    published_by           TEXT,
    created_at             TEXT NOT NULL,
    created_by             TEXT NOT NULL
);
CREATE INDEX country_reports_country ON country_reports (country, id);
