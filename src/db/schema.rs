//! One portable schema for both backends: only types SQLite and PostgreSQL share.
//! Kept by hand; it must match `migrations/sqlite` and `migrations/postgres`.

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        display_name -> Text,
        password_hash -> Nullable<Text>,
        language -> Text,
        active -> Bool,
        must_change_password -> Bool,
        session_version -> Integer,
        person_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        password_expires_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> BigInt,
        role -> Text,
    }
}

diesel::table! {
    org_units (id) {
        id -> BigInt,
        parent_id -> Nullable<BigInt>,
        kind -> Text,
        name -> Text,
        valid_from -> Date,
        closed_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        has_youth_union -> Bool,
        has_trade_union -> Bool,
    }
}

diesel::table! {
    org_unit_names (id) {
        id -> BigInt,
        org_unit_id -> BigInt,
        name -> Text,
        valid_from -> Date,
        valid_to -> Date,
    }
}

diesel::table! {
    secretary_units (user_id, org_unit_id) {
        user_id -> BigInt,
        org_unit_id -> BigInt,
    }
}

diesel::table! {
    people (id) {
        id -> BigInt,
        full_name -> Text,
        sort_name -> Text,
        sort_key -> Binary,
        search_text -> Text,
        date_of_birth -> Date,
        sex -> Text,
        hometown -> Text,
        citizen_id -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        org_unit_id -> BigInt,
        status -> Text,
        admission_decision_date -> Nullable<Date>,
        ceremony_date -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        youth_union_member -> Bool,
        planned_meeting_on -> Nullable<Date>,
        introduced_by -> Nullable<Text>,
    }
}

diesel::table! {
    programs (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        short_name -> Text,
        max_absence_permille -> Integer,
        unexcused_disqualifies -> Bool,
        pass_mark_tenths -> Integer,
        band_excellent_tenths -> Integer,
        band_good_tenths -> Integer,
        band_fair_tenths -> Integer,
        band_average_tenths -> Integer,
        resits_allowed -> Integer,
        certificate_validity_months -> Nullable<Integer>,
        default_sessions -> Integer,
        certificate_wording -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    lessons (id) {
        id -> BigInt,
        program_id -> BigInt,
        position -> Integer,
        title -> Text,
        required -> Bool,
        periods -> Integer,
        kind -> Text,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        at -> Timestamp,
        actor_user_id -> Nullable<BigInt>,
        actor_label -> Text,
        entity -> Text,
        entity_id -> Nullable<BigInt>,
        action -> Text,
        before_json -> Nullable<Text>,
        after_json -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
    }
}

diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(org_unit_names -> org_units (org_unit_id));
diesel::joinable!(secretary_units -> org_units (org_unit_id));
diesel::joinable!(people -> org_units (org_unit_id));
diesel::joinable!(lessons -> programs (program_id));

diesel::table! {
    outbox (id) {
        id -> BigInt,
        message_key -> Text,
        message_id -> Text,
        recipient_email -> Text,
        recipient_name -> Text,
        user_id -> Nullable<BigInt>,
        person_id -> Nullable<BigInt>,
        template -> Text,
        language -> Text,
        data_json -> Text,
        attachment_kind -> Nullable<Text>,
        attachment_ref -> Nullable<BigInt>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
        last_answer -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        worker -> Nullable<Text>,
    }
}

diesel::table! {
    account_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(account_tokens -> users (user_id));

// Classes and schedules (migration 2026-11-30-000001_classes). Session times are wall-clock
// times in Asia/Ho_Chi_Minh; other timestamps are UTC.

diesel::table! {
    venues (id) {
        id -> BigInt,
        name -> Text,
        address -> Text,
        place -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    rooms (id) {
        id -> BigInt,
        venue_id -> BigInt,
        name -> Text,
        capacity -> Integer,
        active -> Bool,
    }
}

diesel::table! {
    guest_speakers (id) {
        id -> BigInt,
        name -> Text,
        title -> Text,
        organisation -> Text,
        active -> Bool,
    }
}

diesel::table! {
    holidays (day) {
        day -> Date,
        name -> Text,
    }
}

diesel::table! {
    issuers (id) {
        id -> BigInt,
        kind -> Text,
        superior_name -> Text,
        name -> Text,
        org_unit_id -> Nullable<BigInt>,
        place -> Text,
        signer_delegation -> Text,
        signer_title -> Text,
        signer_name -> Text,
        active -> Bool,
    }
}

diesel::table! {
    classes (id) {
        id -> BigInt,
        program_id -> BigInt,
        year -> Integer,
        ordinal -> Integer,
        issuer_id -> BigInt,
        co_org_unit_id -> Nullable<BigInt>,
        venue_id -> BigInt,
        first_day -> Date,
        last_day -> Date,
        capacity -> Integer,
        opening_decision_no -> Text,
        opening_decision_date -> Nullable<Date>,
        results_decision_no -> Text,
        results_decision_date -> Nullable<Date>,
        signer_delegation -> Text,
        signer_title -> Text,
        signer_name -> Text,
        status -> Text,
        results_locked_at -> Nullable<Timestamp>,
        results_locked_by -> Nullable<BigInt>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    class_sessions (id) {
        id -> BigInt,
        class_id -> BigInt,
        seq -> Integer,
        lesson_id -> Nullable<BigInt>,
        title -> Text,
        periods -> Integer,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        room_id -> Nullable<BigInt>,
        lecturer_user_id -> Nullable<BigInt>,
        guest_speaker_id -> Nullable<BigInt>,
        version -> Integer,
    }
}

diesel::table! {
    enrolments (id) {
        id -> BigInt,
        class_id -> BigInt,
        person_id -> BigInt,
        status -> Text,
        source -> Text,
        nominated_by -> Nullable<BigInt>,
        nominated_at -> Nullable<Timestamp>,
        decided_by -> Nullable<BigInt>,
        decided_at -> Nullable<Timestamp>,
        reason -> Nullable<Text>,
        enrolled_on -> Nullable<Date>,
        withdrawn_on -> Nullable<Date>,
        confirmed_by -> Nullable<BigInt>,
        confirmed_at -> Nullable<Timestamp>,
        confirmation_note -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    calendar_feeds (id) {
        id -> BigInt,
        kind -> Text,
        subject_id -> BigInt,
        token -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
    }
}

// Attendance and results (migration 2026-11-30-000002_attendance_results).

diesel::table! {
    attendance (id) {
        id -> BigInt,
        enrolment_id -> BigInt,
        session_id -> BigInt,
        status -> Text,
        reason -> Nullable<Text>,
        made_up_session_id -> Nullable<BigInt>,
        source -> Text,
        marked_by -> Nullable<BigInt>,
        marked_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    assessments (id) {
        id -> BigInt,
        enrolment_id -> BigInt,
        attempt -> Integer,
        previous_id -> Nullable<BigInt>,
        outcome -> Text,
        score_tenths -> Nullable<Integer>,
        entered_by -> Nullable<BigInt>,
        entered_at -> Timestamp,
        version -> Integer,
    }
}

// Certificates (migration 2026-11-30-000003_certificates).

diesel::table! {
    certificate_registers (issuer_id, year) {
        issuer_id -> BigInt,
        year -> Integer,
        last_number -> Integer,
    }
}

diesel::table! {
    certificates (id) {
        id -> BigInt,
        issuer_id -> BigInt,
        year -> Integer,
        number -> Integer,
        code -> Text,
        enrolment_id -> BigInt,
        person_id -> BigInt,
        class_id -> BigInt,
        program_id -> BigInt,
        issued_on -> Date,
        expires_on -> Nullable<Date>,
        status -> Text,
        revoked_on -> Nullable<Date>,
        revoked_reason -> Nullable<Text>,
        reissue_of_id -> Nullable<BigInt>,
        reissue_reason -> Nullable<Text>,
        superseded_by_id -> Nullable<BigInt>,
        snapshot_json -> Text,
        pdf -> Binary,
        sha256 -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    certificate_verifications (id) {
        id -> BigInt,
        at -> Timestamp,
        certificate_id -> Nullable<BigInt>,
        address_hash -> Text,
        found -> Bool,
    }
}

diesel::joinable!(rooms -> venues (venue_id));
diesel::joinable!(classes -> programs (program_id));
diesel::joinable!(classes -> issuers (issuer_id));
diesel::joinable!(classes -> venues (venue_id));
diesel::joinable!(class_sessions -> classes (class_id));
diesel::joinable!(class_sessions -> rooms (room_id));
diesel::joinable!(class_sessions -> guest_speakers (guest_speaker_id));
diesel::joinable!(enrolments -> classes (class_id));
diesel::joinable!(enrolments -> people (person_id));
diesel::joinable!(attendance -> enrolments (enrolment_id));
diesel::joinable!(assessments -> enrolments (enrolment_id));
diesel::joinable!(certificates -> issuers (issuer_id));
diesel::joinable!(certificates -> people (person_id));

// Roster files between preview and commit (migration 2026-12-01-600001_import_uploads).

diesel::table! {
    import_uploads (id) {
        id -> BigInt,
        token -> Text,
        user_id -> BigInt,
        class_id -> BigInt,
        file_name -> Text,
        bytes -> Binary,
        created_at -> Timestamp,
    }
}

// One list for every table: the macro makes each pair joinable in queries, and a table
// listed in two invocations would give conflicting impls.
diesel::allow_tables_to_appear_in_same_query!(
    users,
    user_roles,
    org_units,
    org_unit_names,
    secretary_units,
    audit_events,
    settings,
    account_tokens,
    venues,
    rooms,
    guest_speakers,
    holidays,
    issuers,
    classes,
    class_sessions,
    enrolments,
    calendar_feeds,
    attendance,
    assessments,
    certificate_registers,
    certificates,
    certificate_verifications,
    programs,
    lessons,
    people,
    outbox,
    import_uploads,
    readiness_steps,
    readiness_items,
    admission_targets,
    api_tokens,
);
diesel::table! {
    login_throttle (key) {
        key -> Text,
        attempts -> Integer,
        window_start -> BigInt,
    }
}

diesel::table! {
    readiness_steps (id) {
        id -> BigInt,
        path -> Text,
        position -> Integer,
        code -> Text,
        label -> Text,
        form_code -> Nullable<Text>,
        kind -> Text,
        program_code -> Nullable<Text>,
        lapses -> Bool,
        required -> Bool,
        active -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    readiness_items (id) {
        id -> BigInt,
        person_id -> BigInt,
        step_id -> BigInt,
        status -> Text,
        done_on -> Nullable<Date>,
        reference -> Nullable<Text>,
        note -> Nullable<Text>,
        confirmed_by -> BigInt,
        confirmed_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    admission_targets (id) {
        id -> BigInt,
        org_unit_id -> BigInt,
        term_start -> Date,
        term_end -> Date,
        target -> Integer,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        name -> Text,
        user_id -> BigInt,
        token_hash -> Text,
        prefix -> Text,
        created_by -> BigInt,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        revoked_by -> Nullable<BigInt>,
    }
}

diesel::joinable!(readiness_items -> readiness_steps (step_id));
diesel::joinable!(readiness_items -> people (person_id));
diesel::joinable!(admission_targets -> org_units (org_unit_id));
