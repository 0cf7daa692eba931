-- Only a country gives access to its cases (issue #15).
--
-- Onboarding: the ST creates a member country's first `country_admin` accounts only until one of
-- the country's users first signs in fully; `onboarded_at` records that moment and is never
-- cleared. Countries already in use (a user who signed in, or a case) count as onboarded.
ALTER TABLE parties ADD COLUMN onboarded_at TEXT;
UPDATE parties SET onboarded_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')
WHERE kind = 'member' AND (
    EXISTS (SELECT 1 FROM users u WHERE u.party_code = parties.code AND u.must_change_password = FALSE)
    OR EXISTS (SELECT 1 FROM cases c WHERE c.reporting_country = parties.code)
);

-- Recovery of a country that lost every administrator: requested by one ST administrator,
-- approved by another, effective after a waiting period the country's administrators may cancel
-- in; it yields one new `country_admin`. At most one open recovery per country.
CREATE TABLE admin_recoveries (
    id           TEXT PRIMARY KEY NOT NULL,
    party_code   TEXT NOT NULL REFERENCES parties (code),
    status       TEXT NOT NULL CHECK (status IN ('requested', 'approved', 'cancelled', 'completed')),
    reason       TEXT NOT NULL,
    username     TEXT NOT NULL,
    display_name TEXT NOT NULL,
    email        TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at TEXT NOT NULL,
    approved_by  TEXT,
    approved_at  TEXT,
    effective_at TEXT,
    closed_by    TEXT,
    closed_at    TEXT,
    close_reason TEXT,
    user_id      TEXT
);
CREATE INDEX admin_recoveries_party ON admin_recoveries (party_code, requested_at);
CREATE UNIQUE INDEX admin_recoveries_open ON admin_recoveries (party_code) WHERE status IN ('requested', 'approved');

-- Reservation policies versioned with effective dates: every version is kept with who wrote it,
-- when, and from when it applies. `state`: `scheduled` (its date is ahead), `applied` (it came
-- into force; `applied_at`), `superseded` (a later version took its place before its date).
-- `reservation_policies` holds the version in force.
ALTER TABLE reservation_policy_versions ADD COLUMN effective_from TEXT NOT NULL DEFAULT '';
ALTER TABLE reservation_policy_versions ADD COLUMN state TEXT NOT NULL DEFAULT 'applied';
ALTER TABLE reservation_policy_versions ADD COLUMN applied_at TEXT;
UPDATE reservation_policy_versions SET effective_from = created_at, applied_at = created_at;
CREATE INDEX reservation_policy_versions_scheduled ON reservation_policy_versions (state, effective_from);
ALTER TABLE reservation_policies ADD COLUMN effective_from TEXT NOT NULL DEFAULT '';
UPDATE reservation_policies SET effective_from = updated_at;

-- The policy version each stored foreign view was rendered under (named by every read event).
ALTER TABLE case_views ADD COLUMN policy_version INTEGER NOT NULL DEFAULT 0;
