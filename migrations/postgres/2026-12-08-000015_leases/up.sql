-- Leases of work that one node at a time does for the whole service (issue #20): a holder (a
-- node's id for its lifetime) and when its lease runs out, in Unix milliseconds. A node takes a
-- lease that is free, expired or already its own, in one conditional UPDATE.
CREATE TABLE leases (
    name       TEXT PRIMARY KEY,
    holder     TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

INSERT INTO leases (name, holder, expires_at) VALUES ('stat_compaction', '', 0);
