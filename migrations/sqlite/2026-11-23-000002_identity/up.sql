-- Parties (member countries, the Technical Secretariat, observers), users and their roles,
-- sessions with rotating refresh tokens, JWT signing keys and sign-in throttling counters.
CREATE TABLE parties (
    code       TEXT PRIMARY KEY NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('member', 'secretariat', 'observer')),
    name_es    TEXT NOT NULL,
    name_en    TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO parties (code, kind, name_es, name_en, active, created_at, updated_at) VALUES
    ('BZ', 'member', 'Belice', 'Belize', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('CA', 'member', 'Canadá', 'Canada', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('CR', 'member', 'Costa Rica', 'Costa Rica', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('SV', 'member', 'El Salvador', 'El Salvador', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('US', 'member', 'Estados Unidos', 'United States', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('GT', 'member', 'Guatemala', 'Guatemala', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('HN', 'member', 'Honduras', 'Honduras', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('MX', 'member', 'México', 'Mexico', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('NI', 'member', 'Nicaragua', 'Nicaragua', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('PA', 'member', 'Panamá', 'Panama', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('DO', 'member', 'República Dominicana', 'Dominican Republic', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z'),
    ('ST', 'secretariat', 'Secretaría Técnica de la CRM', 'CRM Technical Secretariat', 1, '2026-11-23T00:00:00.000000Z', '2026-11-23T00:00:00.000000Z');

CREATE TABLE users (
    id                   TEXT PRIMARY KEY NOT NULL,
    username             TEXT NOT NULL UNIQUE,
    display_name         TEXT NOT NULL,
    email                TEXT NOT NULL,
    party_code           TEXT NOT NULL REFERENCES parties (code),
    status               TEXT NOT NULL CHECK (status IN ('active', 'disabled')),
    password_hash        TEXT NOT NULL,
    must_change_password BOOLEAN NOT NULL DEFAULT 0,
    totp_secret          TEXT,
    totp_enabled         BOOLEAN NOT NULL DEFAULT 0,
    totp_last_step       BIGINT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
);
CREATE INDEX users_party ON users (party_code);

CREATE TABLE user_roles (
    user_id TEXT NOT NULL REFERENCES users (id),
    role    TEXT NOT NULL CHECK (role IN ('st_admin', 'country_admin', 'officer', 'analyst', 'statistics_reader', 'auditor')),
    PRIMARY KEY (user_id, role)
);

CREATE TABLE sessions (
    id            TEXT PRIMARY KEY NOT NULL,
    user_id       TEXT NOT NULL REFERENCES users (id),
    scope         TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    expires_at    BIGINT NOT NULL,
    revoked_at    BIGINT,
    revoke_reason TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY NOT NULL,
    session_id TEXT NOT NULL REFERENCES sessions (id),
    created_at BIGINT NOT NULL,
    used       BOOLEAN NOT NULL DEFAULT 0
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE signing_keys (
    kid         TEXT PRIMARY KEY NOT NULL,
    private_key TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    retired_at  BIGINT
);

CREATE TABLE throttle (
    key           TEXT PRIMARY KEY NOT NULL,
    failures      INTEGER NOT NULL,
    window_start  BIGINT NOT NULL,
    blocked_until BIGINT NOT NULL
);
