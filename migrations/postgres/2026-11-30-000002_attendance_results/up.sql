-- Attendance per learner and session, and the final essay's attempts.

-- Điểm danh. status: present | late | excused | unexcused | made_up. A made-up session links
-- the other class's session of the same lesson that the learner attended, and counts for the
-- original. source: sheet | qr | amendment.
CREATE TABLE attendance (
    id BIGSERIAL PRIMARY KEY,
    enrolment_id BIGINT NOT NULL REFERENCES enrolments(id),
    session_id BIGINT NOT NULL REFERENCES class_sessions(id),
    status TEXT NOT NULL,
    reason TEXT,
    made_up_session_id BIGINT REFERENCES class_sessions(id),
    source TEXT NOT NULL,
    marked_by BIGINT REFERENCES users(id),
    marked_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enrolment_id, session_id)
);
CREATE INDEX attendance_session ON attendance(session_id);

-- Bài thu hoạch: attempt 1, then re-sits linked to the one before. outcome: scored | absent.
-- Scores are tenths (8,5 → 85). The final result is the last attempt.
CREATE TABLE assessments (
    id BIGSERIAL PRIMARY KEY,
    enrolment_id BIGINT NOT NULL REFERENCES enrolments(id),
    attempt INTEGER NOT NULL,
    previous_id BIGINT REFERENCES assessments(id),
    outcome TEXT NOT NULL,
    score_tenths INTEGER,
    entered_by BIGINT REFERENCES users(id),
    entered_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (enrolment_id, attempt)
);
