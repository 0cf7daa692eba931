-- Cases in the Formato estándar: the current document of each case with the columns that lists,
-- filters and statistics need (a `*_shared` column is NULL when the reporting country reserves
-- that field, so other countries can never filter on a reserved value), every version, the
-- countries a `listed` case is shared with, reservation policies (versioned), idempotency keys.
CREATE TABLE cases (
    id                    TEXT PRIMARY KEY NOT NULL,
    reporting_country     TEXT NOT NULL REFERENCES parties (code),
    version               INTEGER NOT NULL,
    format_version        TEXT NOT NULL,
    case_type             TEXT NOT NULL,
    case_status           TEXT NOT NULL,
    case_type_shared      TEXT,
    case_status_shared    TEXT,
    date_opened           TEXT NOT NULL,
    date_detected         TEXT,
    date_detected_shared  TEXT,
    reporting_semester    TEXT NOT NULL,
    sharing_scope         TEXT NOT NULL CHECK (sharing_scope IN ('network', 'listed', 'national')),
    include_in_statistics BOOLEAN NOT NULL,
    retracted             BOOLEAN NOT NULL DEFAULT FALSE,
    retraction_reason     TEXT,
    search_full           TEXT NOT NULL,
    search_shared         TEXT NOT NULL,
    document              TEXT NOT NULL,
    created_at            TEXT NOT NULL,
    created_by            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    updated_by            TEXT NOT NULL
);
CREATE INDEX cases_reporting ON cases (reporting_country, id);
CREATE INDEX cases_scope ON cases (sharing_scope, id);
CREATE INDEX cases_updated ON cases (updated_at);

CREATE TABLE case_shares (
    case_id TEXT NOT NULL REFERENCES cases (id),
    country TEXT NOT NULL,
    PRIMARY KEY (case_id, country)
);
CREATE INDEX case_shares_country ON case_shares (country, case_id);

CREATE TABLE case_versions (
    case_id    TEXT NOT NULL REFERENCES cases (id),
    version    INTEGER NOT NULL,
    change     TEXT NOT NULL,
    document   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (case_id, version)
);

CREATE TABLE reservation_policies (
    party_code            TEXT PRIMARY KEY NOT NULL REFERENCES parties (code),
    version               INTEGER NOT NULL,
    include_in_statistics BOOLEAN NOT NULL,
    entries               TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    updated_by            TEXT NOT NULL
);

CREATE TABLE reservation_policy_versions (
    party_code TEXT NOT NULL REFERENCES parties (code),
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    PRIMARY KEY (party_code, version)
);

CREATE TABLE idempotency_keys (
    user_id       TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER NOT NULL,
    response      TEXT NOT NULL,
    location      TEXT,
    etag          TEXT,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
