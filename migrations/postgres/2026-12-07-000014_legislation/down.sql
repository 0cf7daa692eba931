DROP TABLE legislation_confirmations;
DROP TABLE legislation_rounds;
DROP TABLE legislation_versions;
DROP TABLE legislation_entries;
