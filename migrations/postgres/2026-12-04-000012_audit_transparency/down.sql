DROP TABLE service_meta;
DROP TABLE audit_cosignatures;
DROP TABLE witness_keys;
DROP TABLE audit_checkpoints;
DROP TABLE audit_keys;
ALTER TABLE audit_head DROP COLUMN tree_size;
DROP TABLE audit_tree;
DROP FUNCTION audit_tree_append_only();
ALTER TABLE audit_events DROP COLUMN leaf_salt;
