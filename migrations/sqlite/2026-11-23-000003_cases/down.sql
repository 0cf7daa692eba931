DROP TABLE idempotency_keys;
DROP TABLE reservation_policy_versions;
DROP TABLE reservation_policies;
DROP TABLE case_versions;
DROP TABLE case_shares;
DROP TABLE cases;
