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
        family_name -> Text,
        middle_name -> Text,
        given_name -> Text,
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

diesel::allow_tables_to_appear_in_same_query!(
    users,
    user_roles,
    org_units,
    org_unit_names,
    secretary_units,
    people,
    programs,
    lessons,
    audit_events,
    settings,
);

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

diesel::table! {
    login_throttle (key) {
        key -> Text,
        attempts -> Integer,
        window_start -> BigInt,
    }
}
