DROP INDEX sessions_cookie;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN cookie_hash;
