-- Hit/no-hit matching between countries (issue #21).
--
-- The key of the blind indexes: 32 random bytes, sealed under the master key like the signing
-- keys, so a copy of the database alone cannot test guesses against the index.
CREATE TABLE blind_index_keys (
    id          INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    sealed_key  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

-- The blind index: one row per identifier of a case or alert that takes part in matching under
-- its country's policy (HMAC-SHA-256 of the normalised identifier, never the identifier).
-- `disclosable`: every field the identifier comes from is shared with other countries, so a
-- hit may name the case to a caller who can see it.
CREATE TABLE match_keys (
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    blind       TEXT NOT NULL,
    party       TEXT NOT NULL,
    kind        TEXT NOT NULL,
    disclosable BOOLEAN NOT NULL,
    PRIMARY KEY (object_type, object_id, blind)
);
CREATE INDEX match_keys_blind ON match_keys (blind);

-- Every hit/no-hit query: who, why, how many identifiers, how many countries answered hit.
CREATE TABLE match_queries (
    id          TEXT PRIMARY KEY NOT NULL,
    party       TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    case_id     TEXT,
    identifiers INTEGER NOT NULL,
    hits        INTEGER NOT NULL,
    created_at  TEXT NOT NULL
);

-- One hit: an identifier of a query matched data of a holding country. `objects` (JSON) names
-- the holder's matched cases and alerts: the holder sees it, the requester never does.
CREATE TABLE match_hits (
    id              TEXT PRIMARY KEY NOT NULL,
    query_id        TEXT NOT NULL,
    requester_party TEXT NOT NULL,
    holder_party    TEXT NOT NULL,
    identifier      INTEGER NOT NULL,
    strength        TEXT NOT NULL,
    purpose         TEXT NOT NULL,
    objects         TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX match_hits_holder ON match_hits (holder_party, created_at);
CREATE INDEX match_hits_requester ON match_hits (requester_party, created_at);

-- Identifiers queried per user and per country per UTC day (`who`: user id or "party:CODE").
CREATE TABLE match_quotas (
    who  TEXT NOT NULL,
    day  TEXT NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (who, day)
);

-- Which identifier kinds of a country's cases take part in matching: the policy in force
-- (JSON; '' = the defaults: document numbers and suspects take part, persons affected do not).
ALTER TABLE reservation_policies ADD COLUMN matching TEXT NOT NULL DEFAULT '';

-- What concerns each member country, newest last: ids, codes and kinds only. `seq` counts each
-- country's own items (1, 2, 3, …), so a cursor says nothing of what other countries were told.
CREATE TABLE feed_items (
    party       TEXT NOT NULL,
    seq         BIGINT NOT NULL,
    kind        TEXT NOT NULL,
    object_type TEXT NOT NULL,
    object_id   TEXT NOT NULL,
    details     TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    PRIMARY KEY (party, seq)
);

-- How far each user has read their country's feed (the console's unread count).
CREATE TABLE feed_positions (
    user_id TEXT PRIMARY KEY NOT NULL,
    seq     BIGINT NOT NULL
);
