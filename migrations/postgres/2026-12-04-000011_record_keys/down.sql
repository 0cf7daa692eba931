ALTER TABLE false_passport_reports DROP COLUMN stat_salt;
ALTER TABLE cases DROP COLUMN stat_salt;
