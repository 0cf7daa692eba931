//! The database schema, curated by hand so that one file serves SQLite and PostgreSQL.
//! Both migration sets (migrations/sqlite, migrations/postgres) must produce these tables.

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        occurred_at -> Text,
        request_id -> Text,
        actor_user_id -> Nullable<Text>,
        actor_party -> Nullable<Text>,
        actor_roles -> Text,
        action -> Text,
        object_type -> Text,
        object_id -> Nullable<Text>,
        object_party -> Nullable<Text>,
        outcome -> Text,
        client_addr -> Nullable<Text>,
        details -> Text,
        prev_hash -> Text,
        hash -> Text,
        leaf_salt -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
        tree_size -> BigInt,
    }
}

diesel::table! {
    parties (code) {
        code -> Text,
        kind -> Text,
        name_es -> Text,
        name_en -> Text,
        active -> Bool,
        created_at -> Text,
        updated_at -> Text,
        onboarded_at -> Nullable<Text>,
    }
}

diesel::table! {
    admin_recoveries (id) {
        id -> Text,
        party_code -> Text,
        status -> Text,
        reason -> Text,
        username -> Text,
        display_name -> Text,
        email -> Text,
        requested_by -> Text,
        requested_at -> Text,
        approved_by -> Nullable<Text>,
        approved_at -> Nullable<Text>,
        effective_at -> Nullable<Text>,
        closed_by -> Nullable<Text>,
        closed_at -> Nullable<Text>,
        close_reason -> Nullable<Text>,
        user_id -> Nullable<Text>,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        username -> Text,
        display_name -> Text,
        email -> Text,
        party_code -> Text,
        status -> Text,
        password_hash -> Text,
        must_change_password -> Bool,
        totp_secret -> Nullable<Text>,
        totp_enabled -> Bool,
        totp_last_step -> Nullable<BigInt>,
        created_at -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        scope -> Text,
        created_at -> BigInt,
        expires_at -> BigInt,
        revoked_at -> Nullable<BigInt>,
        revoke_reason -> Nullable<Text>,
        cookie_hash -> Nullable<Text>,
        last_seen_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        created_at -> BigInt,
        used -> Bool,
    }
}

diesel::table! {
    signing_keys (kid) {
        kid -> Text,
        private_key -> Text,
        public_key -> Text,
        created_at -> BigInt,
        retired_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    throttle (key) {
        key -> Text,
        failures -> Integer,
        window_start -> BigInt,
        blocked_until -> BigInt,
    }
}

diesel::table! {
    audit_tree (level, idx) {
        level -> Integer,
        idx -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    audit_keys (key_id) {
        key_id -> Text,
        name -> Text,
        public_key -> Text,
        private_key -> Text,
        created_at -> Text,
        retired_at -> Nullable<Text>,
    }
}

diesel::table! {
    audit_checkpoints (size) {
        size -> BigInt,
        root_hash -> Text,
        key_id -> Text,
        note -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    witness_keys (key_id) {
        key_id -> Text,
        party_code -> Text,
        name -> Text,
        public_key -> Text,
        created_at -> Text,
        created_by -> Text,
        retired_at -> Nullable<Text>,
    }
}

diesel::table! {
    audit_cosignatures (size, key_id) {
        size -> BigInt,
        key_id -> Text,
        party_code -> Text,
        line -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    service_meta (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::joinable!(users -> parties (party_code));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));

diesel::allow_tables_to_appear_in_same_query!(
    audit_events,
    audit_head,
    parties,
    admin_recoveries,
    users,
    user_roles,
    sessions,
    refresh_tokens,
    signing_keys,
    throttle,
    audit_keys,
    audit_checkpoints,
    audit_cosignatures,
    witness_keys,
    audit_tree,
    service_meta,
);

diesel::table! {
    cases (id) {
        id -> Text,
        reporting_country -> Text,
        version -> Integer,
        format_version -> Text,
        case_type -> Text,
        case_status -> Text,
        case_type_shared -> Nullable<Text>,
        case_status_shared -> Nullable<Text>,
        date_opened -> Text,
        date_detected -> Nullable<Text>,
        date_detected_shared -> Nullable<Text>,
        reporting_semester -> Text,
        sharing_scope -> Text,
        include_in_statistics -> Bool,
        retracted -> Bool,
        retraction_reason -> Nullable<Text>,
        document -> Text,
        created_at -> Text,
        created_by -> Text,
        updated_at -> Text,
        updated_by -> Text,
        shared_version -> Integer,
        shared_updated_at -> Text,
        shared_digest -> Text,
        stat_salt -> Nullable<Text>,
    }
}

diesel::table! {
    case_views (case_id) {
        case_id -> Text,
        foreign_etag -> Text,
        foreign_withheld -> Text,
        summary_own -> Text,
        summary_foreign -> Text,
        foreign_view -> Text,
        policy_version -> Integer,
    }
}

diesel::table! {
    case_search (case_id) {
        case_id -> Text,
        search_full -> Text,
        search_shared -> Text,
    }
}

diesel::table! {
    case_shares (case_id, country) {
        case_id -> Text,
        country -> Text,
    }
}

diesel::table! {
    case_versions (case_id, version) {
        case_id -> Text,
        version -> Integer,
        change -> Text,
        document -> Text,
        created_at -> Text,
        created_by -> Text,
    }
}

diesel::table! {
    reservation_policies (party_code) {
        party_code -> Text,
        version -> Integer,
        include_in_statistics -> Bool,
        entries -> Text,
        updated_at -> Text,
        updated_by -> Text,
        effective_from -> Text,
        matching -> Text,
    }
}

diesel::table! {
    reservation_policy_versions (party_code, version) {
        party_code -> Text,
        version -> Integer,
        document -> Text,
        created_at -> Text,
        created_by -> Text,
        effective_from -> Text,
        state -> Text,
        applied_at -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (user_id, key) {
        user_id -> Text,
        key -> Text,
        request_hash -> Text,
        status -> Integer,
        response -> Text,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::joinable!(case_shares -> cases (case_id));
diesel::joinable!(case_versions -> cases (case_id));
diesel::joinable!(case_views -> cases (case_id));
diesel::joinable!(case_search -> cases (case_id));

diesel::allow_tables_to_appear_in_same_query!(
    cases,
    case_shares,
    case_versions,
    case_views,
    case_search,
    parties,
    reservation_policies,
);

// Statistics as a column store (migration 2026-12-01-000008_statistics_columns).

diesel::table! {
    stat_case_facts (case_id) {
        case_id -> Text,
        part -> Text,
        data -> Binary,
    }
}

diesel::table! {
    stat_dirty (id) {
        id -> BigInt,
        part -> Text,
        marked_at -> BigInt,
    }
}

diesel::table! {
    stat_columns (shared, col, part) {
        shared -> Bool,
        col -> Text,
        part -> Text,
        country -> Text,
        year -> Text,
        data -> Binary,
    }
}

diesel::table! {
    derived_versions (key) {
        key -> Text,
        value -> Text,
    }
}

// Work one node at a time does for the whole service (migration 2026-12-08-000015_leases).
diesel::table! {
    leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> BigInt,
    }
}

// Companion resources of the private area (migration 2026-11-23-000005_companion).

diesel::table! {
    document_alerts (id) {
        id -> Text,
        reporting_country -> Text,
        version -> Integer,
        alert_status -> Text,
        valid_until -> Nullable<Text>,
        sharing_scope -> Text,
        issuing_state -> Nullable<Text>,
        issuing_state_shared -> Nullable<Text>,
        document_type -> Nullable<Text>,
        document_type_shared -> Nullable<Text>,
        fraud_type -> Nullable<Text>,
        fraud_type_shared -> Nullable<Text>,
        document -> Text,
        created_at -> Text,
        created_by -> Text,
        updated_at -> Text,
        updated_by -> Text,
        shared_version -> Integer,
        shared_updated_at -> Text,
        shared_digest -> Text,
        valid_until_shared -> Nullable<Text>,
    }
}

diesel::table! {
    document_alert_shares (alert_id, country) {
        alert_id -> Text,
        country -> Text,
    }
}

diesel::table! {
    document_alert_images (id) {
        id -> Text,
        alert_id -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        data -> Binary,
        created_at -> Text,
        created_by -> Text,
    }
}

diesel::table! {
    false_passport_reports (reporting_country, semester) {
        reporting_country -> Text,
        semester -> Text,
        persons_with_false_passports -> BigInt,
        breakdowns -> Text,
        version -> Integer,
        submitted_at -> Text,
        submitted_by -> Text,
        stat_salt -> Nullable<Text>,
    }
}

diesel::table! {
    directory_entries (id) {
        id -> Text,
        country -> Text,
        institution -> Text,
        unit -> Nullable<Text>,
        position -> Nullable<Text>,
        contact_role -> Text,
        name -> Text,
        email -> Text,
        phone -> Nullable<Text>,
        languages -> Text,
        valid_from -> Nullable<Text>,
        valid_to -> Nullable<Text>,
        last_verified_at -> Text,
        version -> Integer,
        created_at -> Text,
        created_by -> Text,
        updated_at -> Text,
        updated_by -> Text,
    }
}

diesel::table! {
    entry_requirements (id) {
        id -> Text,
        member_country -> Text,
        nationality -> Text,
        requirement -> Text,
        valid_from -> Text,
        source_reference -> Nullable<Text>,
        notes -> Nullable<Text>,
        version -> Integer,
        created_at -> Text,
        created_by -> Text,
        updated_at -> Text,
        updated_by -> Text,
    }
}

diesel::table! {
    country_reports (id) {
        id -> Text,
        country -> Text,
        title -> Text,
        period -> Text,
        language -> Text,
        file_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        published_to_observers -> Bool,
        published_at -> Nullable<Text>,
        published_by -> Nullable<Text>,
        created_at -> Text,
        created_by -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(document_alerts, document_alert_shares, document_alert_images);

// A report's content in chunks (migration 2026-12-08-000016_report_contents).
diesel::table! {
    country_report_chunks (report_id, seq) {
        report_id -> Text,
        seq -> Integer,
        data -> Binary,
    }
}

diesel::allow_tables_to_appear_in_same_query!(country_reports, country_report_chunks);

diesel::table! {
    legislation_entries (country, topic) {
        country -> Text,
        topic -> Text,
        status -> Text,
        instrument -> Nullable<Text>,
        article -> Nullable<Text>,
        in_force_since -> Nullable<Text>,
        notes_es -> Nullable<Text>,
        notes_en -> Nullable<Text>,
        source_url -> Nullable<Text>,
        last_reviewed -> Text,
        version -> Integer,
        updated_at -> Text,
        updated_by -> Text,
    }
}

diesel::table! {
    legislation_versions (country, topic, version) {
        country -> Text,
        topic -> Text,
        version -> Integer,
        document -> Text,
        changed_at -> Text,
        changed_by -> Text,
    }
}

diesel::table! {
    legislation_rounds (id) {
        id -> Text,
        title -> Text,
        deadline -> Text,
        opened_at -> Text,
        opened_by -> Text,
        closed_at -> Nullable<Text>,
        closed_by -> Nullable<Text>,
        open_flag -> Nullable<Integer>,
    }
}

diesel::table! {
    legislation_confirmations (round_id, country) {
        round_id -> Text,
        country -> Text,
        confirmed_at -> Text,
        confirmed_by -> Text,
    }
}

// Hit/no-hit matching and the country feed (migration 2026-12-09-000017_matching).
diesel::table! {
    blind_index_keys (id) {
        id -> Integer,
        sealed_key -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    match_keys (object_type, object_id, blind) {
        object_type -> Text,
        object_id -> Text,
        blind -> Text,
        party -> Text,
        kind -> Text,
        disclosable -> Bool,
    }
}

diesel::table! {
    match_queries (id) {
        id -> Text,
        party -> Text,
        user_id -> Text,
        purpose -> Text,
        case_id -> Nullable<Text>,
        identifiers -> Integer,
        hits -> Integer,
        created_at -> Text,
    }
}

diesel::table! {
    match_hits (id) {
        id -> Text,
        query_id -> Text,
        requester_party -> Text,
        holder_party -> Text,
        identifier -> Integer,
        strength -> Text,
        purpose -> Text,
        objects -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    match_quotas (who, day) {
        who -> Text,
        day -> Text,
        used -> Integer,
    }
}

diesel::table! {
    feed_items (party, seq) {
        party -> Text,
        seq -> BigInt,
        kind -> Text,
        object_type -> Text,
        object_id -> Text,
        details -> Text,
        created_at -> Text,
    }
}

// Requests between member countries (migration 2026-12-09-000018_requests).
diesel::table! {
    country_requests (id) {
        id -> Text,
        kind -> Text,
        state -> Text,
        from_party -> Text,
        to_party -> Text,
        hit_ref -> Nullable<Text>,
        case_id -> Nullable<Text>,
        subject -> Text,
        due_date -> Nullable<Text>,
        person_id -> Nullable<Text>,
        liaison_id -> Nullable<Text>,
        person_fields -> Nullable<Text>,
        decline_reason -> Nullable<Text>,
        version -> Integer,
        created_at -> Text,
        created_by -> Text,
        updated_at -> Text,
    }
}

diesel::table! {
    country_request_messages (request_id, seq) {
        request_id -> Text,
        seq -> Integer,
        party -> Text,
        user_id -> Text,
        body -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    feed_positions (user_id) {
        user_id -> Text,
        seq -> BigInt,
    }
}
