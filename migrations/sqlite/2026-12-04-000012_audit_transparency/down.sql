DROP TABLE service_meta;
DROP TABLE audit_cosignatures;
DROP TABLE witness_keys;
DROP TABLE audit_checkpoints;
DROP TABLE audit_keys;
ALTER TABLE audit_head DROP COLUMN tree_size;
DROP TABLE audit_tree;
DROP TRIGGER audit_events_no_update;
ALTER TABLE audit_events DROP COLUMN leaf_salt;
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
