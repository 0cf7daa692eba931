-- Audit log: an append-only, hash-chained event table.
CREATE TABLE audit_events (
    seq           BIGINT PRIMARY KEY NOT NULL,
    occurred_at   TEXT NOT NULL,
    request_id    TEXT NOT NULL,
    actor_user_id TEXT,
    actor_party   TEXT,
    actor_roles   TEXT NOT NULL,
    action        TEXT NOT NULL,
    object_type   TEXT NOT NULL,
    object_id     TEXT,
    object_party  TEXT,
    outcome       TEXT NOT NULL,
    client_addr   TEXT,
    details       TEXT NOT NULL,
    prev_hash     TEXT NOT NULL,
    hash          TEXT NOT NULL
);
CREATE INDEX audit_events_actor ON audit_events (actor_user_id, seq);
CREATE INDEX audit_events_actor_party ON audit_events (actor_party, seq);
CREATE INDEX audit_events_object ON audit_events (object_type, object_id, seq);
CREATE INDEX audit_events_object_party ON audit_events (object_party, seq);
CREATE INDEX audit_events_time ON audit_events (occurred_at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;

-- The head of the chain: one row, locked by every appender so the chain never forks.
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq  BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
