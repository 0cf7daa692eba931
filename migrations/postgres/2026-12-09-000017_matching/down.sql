DROP TABLE feed_positions;
DROP TABLE feed_items;
ALTER TABLE reservation_policies DROP COLUMN matching;
DROP TABLE match_quotas;
DROP TABLE match_hits;
DROP TABLE match_queries;
DROP TABLE match_keys;
DROP TABLE blind_index_keys;
