-- Each event gets a random salt: its Merkle leaf commits to the fields some auditors may not
-- see (another country's user id and address, the object of a refused attempt) through salted
-- digests, so every auditor can recompute the leaf of every event it reads.
ALTER TABLE audit_events ADD COLUMN leaf_salt TEXT NOT NULL DEFAULT '';
ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update;
UPDATE audit_events SET leaf_salt = replace(gen_random_uuid()::text, '-', '');
ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update;

-- An audit log each country can verify for itself (issue #17): a Merkle tree over the events
-- (RFC 9162), signed checkpoints, cosignatures by the countries' auditors.

-- The tree's perfect subtrees: node (level, idx) covers leaves [idx·2^level, (idx+1)·2^level).
-- Written in the transaction of each append, never changed.
CREATE TABLE audit_tree (
    level INTEGER NOT NULL,
    idx   BIGINT NOT NULL,
    hash  TEXT NOT NULL,
    PRIMARY KEY (level, idx)
);
-- How many events the tree covers (equal to the head's seq once built).
ALTER TABLE audit_head ADD COLUMN tree_size BIGINT NOT NULL DEFAULT 0;

-- The audit signing keys (Ed25519, C2SP signed-note key ids), private keys sealed under the
-- master key. One active key; retired keys stay published for verifying older checkpoints.
CREATE TABLE audit_keys (
    key_id      TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    private_key TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    retired_at  TEXT
);

-- Signed checkpoints (C2SP tlog-checkpoint in a signed note), one per tree size published.
CREATE TABLE audit_checkpoints (
    size       BIGINT PRIMARY KEY NOT NULL,
    root_hash  TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Witness keys a country's administrator registers for its auditors' cosignatures, and the
-- cosignatures (C2SP tlog-cosignature lines) they submitted.
CREATE TABLE witness_keys (
    key_id     TEXT PRIMARY KEY NOT NULL,
    party_code TEXT NOT NULL REFERENCES parties (code),
    name       TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    retired_at TEXT
);
CREATE TABLE audit_cosignatures (
    size       BIGINT NOT NULL REFERENCES audit_checkpoints (size),
    key_id     TEXT NOT NULL REFERENCES witness_keys (key_id),
    party_code TEXT NOT NULL,
    line       TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (size, key_id)
);

-- Small facts of the deployment (the log's origin line).
CREATE TABLE service_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
CREATE FUNCTION audit_tree_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_tree is append-only';
END;
$$;
CREATE TRIGGER audit_tree_no_update BEFORE UPDATE OR DELETE ON audit_tree
    FOR EACH ROW EXECUTE FUNCTION audit_tree_append_only();
CREATE TRIGGER audit_tree_no_truncate BEFORE TRUNCATE ON audit_tree
    FOR EACH STATEMENT EXECUTE FUNCTION audit_tree_append_only();
REVOKE UPDATE, DELETE, TRUNCATE ON audit_tree FROM PUBLIC;
