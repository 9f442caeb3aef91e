-- Foundation: accounts, the Party organisation tree, people, programs, audit log.
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT,
    language TEXT NOT NULL DEFAULT 'vi',
    active BOOLEAN NOT NULL DEFAULT TRUE,
    must_change_password BOOLEAN NOT NULL DEFAULT FALSE,
    session_version INTEGER NOT NULL DEFAULT 1,
    person_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE user_roles (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

CREATE TABLE org_units (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES org_units(id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    valid_from DATE NOT NULL,
    closed_on DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX org_units_parent ON org_units(parent_id);

CREATE TABLE org_unit_names (
    id BIGSERIAL PRIMARY KEY,
    org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    name TEXT NOT NULL,
    valid_from DATE NOT NULL,
    valid_to DATE NOT NULL
);
CREATE INDEX org_unit_names_unit ON org_unit_names(org_unit_id);

CREATE TABLE secretary_units (
    user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    PRIMARY KEY (user_id, org_unit_id)
);

CREATE TABLE people (
    id BIGSERIAL PRIMARY KEY,
    family_name TEXT NOT NULL,
    middle_name TEXT NOT NULL,
    given_name TEXT NOT NULL,
    sort_key BYTEA NOT NULL,
    search_text TEXT NOT NULL,
    date_of_birth DATE NOT NULL,
    sex TEXT NOT NULL,
    hometown TEXT NOT NULL,
    citizen_id TEXT,
    email TEXT,
    phone TEXT,
    org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    status TEXT NOT NULL,
    admission_decision_date DATE,
    ceremony_date DATE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX people_org_unit ON people(org_unit_id);
CREATE INDEX people_sort ON people(sort_key);
CREATE UNIQUE INDEX people_citizen_id ON people(citizen_id);

CREATE TABLE programs (
    id BIGSERIAL PRIMARY KEY,
    code TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    short_name TEXT NOT NULL,
    max_absence_permille INTEGER NOT NULL,
    unexcused_disqualifies BOOLEAN NOT NULL,
    pass_mark_tenths INTEGER NOT NULL,
    band_excellent_tenths INTEGER NOT NULL,
    band_good_tenths INTEGER NOT NULL,
    band_fair_tenths INTEGER NOT NULL,
    band_average_tenths INTEGER NOT NULL,
    resits_allowed INTEGER NOT NULL,
    certificate_validity_months INTEGER,
    default_sessions INTEGER NOT NULL,
    certificate_wording TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE lessons (
    id BIGSERIAL PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs(id),
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    required BOOLEAN NOT NULL
);
CREATE INDEX lessons_program ON lessons(program_id, position);

CREATE TABLE audit_events (
    id BIGSERIAL PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    actor_user_id BIGINT,
    actor_label TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BIGINT,
    action TEXT NOT NULL,
    before_json TEXT,
    after_json TEXT,
    reason TEXT
);
CREATE INDEX audit_events_entity ON audit_events(entity, entity_id);

CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
