-- Statistics protected across queries (issue #16): each case and each manual false-passport
-- aggregate gets a random statistics salt, never exposed, under which its units' record keys
-- are derived (statistics::record::unit_key). Filled at start-up for existing rows, whose
-- statistical records are then rebuilt with their keys (FACTS_VERSION 2).
ALTER TABLE cases ADD COLUMN stat_salt TEXT;
ALTER TABLE false_passport_reports ADD COLUMN stat_salt TEXT;
