-- Sessions of people signed in to the web console: the same sessions as API clients (revoked
-- the same way), reached by the SHA-256 of a random cookie instead of by signed tokens, and
-- ended after an idle period counted from the last request.
ALTER TABLE sessions ADD COLUMN cookie_hash TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at BIGINT;
CREATE UNIQUE INDEX sessions_cookie ON sessions (cookie_hash);
