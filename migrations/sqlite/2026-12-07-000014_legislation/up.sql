-- The comparative matrix of the member countries' legislation (issue #22): one row per country
-- and topic of the fixed topic list, kept by that country's administrators; every change kept
-- as a version; update rounds opened by the ST before a meeting, confirmed by each country.
CREATE TABLE legislation_entries (
    country        TEXT NOT NULL REFERENCES parties (code),
    topic          TEXT NOT NULL,
    status         TEXT NOT NULL,
    instrument     TEXT,
    article        TEXT,
    in_force_since TEXT,
    notes_es       TEXT,
    notes_en       TEXT,
    source_url     TEXT,
    last_reviewed  TEXT NOT NULL,
    version        INTEGER NOT NULL,
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL,
    PRIMARY KEY (country, topic)
);

CREATE TABLE legislation_versions (
    country    TEXT NOT NULL,
    topic      TEXT NOT NULL,
    version    INTEGER NOT NULL,
    document   TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL,
    PRIMARY KEY (country, topic, version)
);

CREATE TABLE legislation_rounds (
    id        TEXT PRIMARY KEY NOT NULL,
    title     TEXT NOT NULL,
    deadline  TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    closed_at TEXT,
    closed_by TEXT,
    -- 1 while the round is open, NULL once closed: at most one open round at a time.
    open_flag INTEGER UNIQUE
);

CREATE TABLE legislation_confirmations (
    round_id     TEXT NOT NULL REFERENCES legislation_rounds (id),
    country      TEXT NOT NULL REFERENCES parties (code),
    confirmed_at TEXT NOT NULL,
    confirmed_by TEXT NOT NULL,
    PRIMARY KEY (round_id, country)
);
