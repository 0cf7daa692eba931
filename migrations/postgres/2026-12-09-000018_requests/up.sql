-- Requests between member countries (issue #21): access to a case, information about a case,
-- or the coordination of a victim's repatriation. Seen by the two countries only.
CREATE TABLE country_requests (
    id            TEXT PRIMARY KEY NOT NULL,
    kind          TEXT NOT NULL,
    state         TEXT NOT NULL,
    from_party    TEXT NOT NULL,
    to_party      TEXT NOT NULL,
    -- A hit of the asking country on the holder's data, or a case the request is about (the
    -- holder's, or for a repatriation the asking country's own).
    hit_ref       TEXT,
    case_id       TEXT,
    subject       TEXT NOT NULL,
    due_date      TEXT,
    -- Repatriation: the person, the receiving liaison and the fields the asking country chose
    -- to send (JSON object), the only part of the record the receiver sees.
    person_id     TEXT,
    liaison_id    TEXT,
    person_fields TEXT,
    decline_reason TEXT,
    version       INTEGER NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
);
CREATE INDEX country_requests_from ON country_requests (from_party, created_at);
CREATE INDEX country_requests_to ON country_requests (to_party, created_at);

CREATE TABLE country_request_messages (
    request_id TEXT NOT NULL,
    seq        INTEGER NOT NULL,
    party      TEXT NOT NULL,
    user_id    TEXT NOT NULL,
    body       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (request_id, seq)
);
