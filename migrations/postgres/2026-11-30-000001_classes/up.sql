-- Classes and their schedule: venues and rooms, guest speakers, public holidays, the organisers
-- that issue certificates under their own register, classes with their status, the session plan,
-- enrolments (nominations through withdrawal) and calendar feeds.
-- Session times are wall-clock times in Asia/Ho_Chi_Minh (UTC+7, no daylight saving); every
-- other TIMESTAMP column is UTC.

-- Lessons gain their length in periods (tiết) and a kind: a required lesson ("bài") or an
-- activity that also takes sessions (discussion, field trip, review, the essay and closing).
ALTER TABLE lessons ADD COLUMN periods INTEGER NOT NULL DEFAULT 5;
ALTER TABLE lessons ADD COLUMN kind TEXT NOT NULL DEFAULT 'lesson';

-- A database seeded before this step gets the periods of 61-HD/BTGTW and the activities that
-- take sessions (a new database is seeded with them at start).
UPDATE lessons SET periods = 10 WHERE position = 2 AND program_id IN (SELECT id FROM programs WHERE code = 'NTVD');
INSERT INTO lessons (program_id, position, title, required, periods, kind)
    SELECT id, 6, 'Thảo luận', TRUE, 5, 'activity' FROM programs WHERE code = 'NTVD';
INSERT INTO lessons (program_id, position, title, required, periods, kind)
    SELECT id, 7, 'Tham quan thực tế hoặc chuyên đề bổ sung', TRUE, 5, 'activity' FROM programs WHERE code = 'NTVD';
INSERT INTO lessons (program_id, position, title, required, periods, kind)
    SELECT id, 8, 'Ôn tập, giải đáp', TRUE, 5, 'activity' FROM programs WHERE code = 'NTVD';
INSERT INTO lessons (program_id, position, title, required, periods, kind)
    SELECT id, 9, 'Viết thu hoạch, bế giảng', TRUE, 5, 'activity' FROM programs WHERE code = 'NTVD';
INSERT INTO lessons (program_id, position, title, required, periods, kind)
    SELECT id, 11, 'Viết thu hoạch, bế giảng', TRUE, 5, 'activity' FROM programs WHERE code = 'DVM';
UPDATE programs SET default_sessions = 11 WHERE code = 'DVM';

CREATE TABLE venues (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    -- The place name documents are dated with: "Tuy Hòa, ngày 05 tháng 6 năm 2026".
    place TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE rooms (
    id BIGSERIAL PRIMARY KEY,
    venue_id BIGINT NOT NULL REFERENCES venues(id),
    name TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    UNIQUE (venue_id, name)
);

-- Báo cáo viên: teach a session without an account.
CREATE TABLE guest_speakers (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    organisation TEXT NOT NULL DEFAULT '',
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE holidays (
    day DATE PRIMARY KEY,
    name TEXT NOT NULL
);

-- Who organises a class and issues its certificates: the school, a commune political centre
-- or a Party committee. Each keeps its own register and signer.
CREATE TABLE issuers (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    -- Top-left block of documents: the superior body, then the issuer itself.
    superior_name TEXT NOT NULL DEFAULT '',
    name TEXT NOT NULL UNIQUE,
    org_unit_id BIGINT REFERENCES org_units(id),
    place TEXT NOT NULL,
    signer_delegation TEXT NOT NULL DEFAULT '',
    signer_title TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    active BOOLEAN NOT NULL DEFAULT TRUE
);

CREATE TABLE classes (
    id BIGSERIAL PRIMARY KEY,
    program_id BIGINT NOT NULL REFERENCES programs(id),
    year INTEGER NOT NULL,
    -- "Khóa II năm 2026" has ordinal 2.
    ordinal INTEGER NOT NULL,
    issuer_id BIGINT NOT NULL REFERENCES issuers(id),
    co_org_unit_id BIGINT REFERENCES org_units(id),
    venue_id BIGINT NOT NULL REFERENCES venues(id),
    first_day DATE NOT NULL,
    last_day DATE NOT NULL,
    capacity INTEGER NOT NULL,
    opening_decision_no TEXT NOT NULL DEFAULT '',
    opening_decision_date DATE,
    results_decision_no TEXT NOT NULL DEFAULT '',
    results_decision_date DATE,
    signer_delegation TEXT NOT NULL DEFAULT '',
    signer_title TEXT NOT NULL,
    signer_name TEXT NOT NULL,
    -- draft → nominating → running → assessing → locked → closed, forward only.
    status TEXT NOT NULL,
    results_locked_at TIMESTAMP,
    results_locked_by BIGINT REFERENCES users(id),
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (program_id, issuer_id, year, ordinal)
);
CREATE INDEX classes_status ON classes(status);
CREATE INDEX classes_days ON classes(first_day, last_day);

-- Buổi học. A session teaches one lesson or activity; a 10-period lesson takes two sessions.
CREATE TABLE class_sessions (
    id BIGSERIAL PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    seq INTEGER NOT NULL,
    lesson_id BIGINT REFERENCES lessons(id),
    title TEXT NOT NULL,
    periods INTEGER NOT NULL,
    starts_at TIMESTAMP NOT NULL,
    ends_at TIMESTAMP NOT NULL,
    room_id BIGINT REFERENCES rooms(id),
    lecturer_user_id BIGINT REFERENCES users(id),
    guest_speaker_id BIGINT REFERENCES guest_speakers(id),
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (class_id, seq)
);
CREATE INDEX class_sessions_time ON class_sessions(starts_at, ends_at);
CREATE INDEX class_sessions_room ON class_sessions(room_id, starts_at);
CREATE INDEX class_sessions_lecturer ON class_sessions(lecturer_user_id, starts_at);

-- Ghi danh: nominated (by a secretary) → enrolled | waitlisted | rejected; enrolled → withdrawn.
-- Imports and staff enrol directly.
CREATE TABLE enrolments (
    id BIGSERIAL PRIMARY KEY,
    class_id BIGINT NOT NULL REFERENCES classes(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    status TEXT NOT NULL,
    source TEXT NOT NULL,
    nominated_by BIGINT REFERENCES users(id),
    nominated_at TIMESTAMP,
    decided_by BIGINT REFERENCES users(id),
    decided_at TIMESTAMP,
    -- Why a nomination was rejected or a learner withdrawn.
    reason TEXT,
    -- Attendance counts from this day; a learner cannot be marked for an earlier session.
    enrolled_on DATE,
    withdrawn_on DATE,
    -- The chi bộ confirms it received the certificate (xác nhận hoàn thành).
    confirmed_by BIGINT REFERENCES users(id),
    confirmed_at TIMESTAMP,
    confirmation_note TEXT,
    version INTEGER NOT NULL DEFAULT 1,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    UNIQUE (class_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments(person_id);
CREATE INDEX enrolments_class_status ON enrolments(class_id, status);

-- iCalendar feeds at secret-token URLs: per lecturer (an account), per learner (a person) or per
-- class. The token is a read-only capability for one calendar; revoking sets revoked_at and a new
-- feed gets a new token.
CREATE TABLE calendar_feeds (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    subject_id BIGINT NOT NULL,
    token TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE INDEX calendar_feeds_subject ON calendar_feeds(kind, subject_id);
