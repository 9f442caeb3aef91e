-- Admission and recognition dossiers (hồ sơ kết nạp, hồ sơ chuyển đảng chính thức), the
-- admission targets of the term, and API tokens.

-- Who introduces a youth candidate depends on the unit: the Youth Union's committee where the
-- unit has one, otherwise the trade union's, otherwise two official members.
ALTER TABLE org_units ADD COLUMN has_youth_union BOOLEAN NOT NULL DEFAULT TRUE;
ALTER TABLE org_units ADD COLUMN has_trade_union BOOLEAN NOT NULL DEFAULT FALSE;

ALTER TABLE people ADD COLUMN youth_union_member BOOLEAN NOT NULL DEFAULT FALSE;
-- The date the chi bộ plans to consider the candidate's admission: the awareness certificate
-- and the documents that lapse are judged against it.
ALTER TABLE people ADD COLUMN planned_meeting_on DATE;
-- Who introduced the admitted member: 'members' | 'youth_union' | 'trade_union'. Set when the
-- introductions step is confirmed; the committees report the Youth Union's share.
ALTER TABLE people ADD COLUMN introduced_by TEXT;

-- The steps of each dossier, in order. Data an admin edits: the form codes were renumbered
-- before and may be again.
CREATE TABLE readiness_steps (
    id BIGSERIAL PRIMARY KEY,
    -- 'admission' (candidates) | 'recognition' (probationary members)
    path TEXT NOT NULL,
    position INTEGER NOT NULL,
    code TEXT NOT NULL,
    label TEXT NOT NULL,
    form_code TEXT,
    -- 'manual' (confirmed by the secretary) | 'certificate' (computed from certificates of
    -- program_code, never ticked by hand) | 'members_introduction' | 'organisation_introduction'
    -- (what is needed is derived from the candidate's age and unit) | 'admission_decision' |
    -- 'ceremony' (their dates are the person's admission decision and ceremony dates)
    kind TEXT NOT NULL DEFAULT 'manual',
    program_code TEXT,
    -- Must be redone when the chi bộ has not considered the candidate within 12 months.
    lapses BOOLEAN NOT NULL DEFAULT FALSE,
    required BOOLEAN NOT NULL DEFAULT TRUE,
    active BOOLEAN NOT NULL DEFAULT TRUE,
    updated_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    UNIQUE (path, code)
);

INSERT INTO readiness_steps (path, position, code, label, form_code, kind, program_code, lapses) VALUES
    ('admission', 1, 'sympathizer', 'Trong danh sách cảm tình Đảng, có đảng viên giúp đỡ', NULL, 'manual', NULL, FALSE),
    ('admission', 2, 'awareness_certificate', 'Giấy chứng nhận bồi dưỡng nhận thức về Đảng', 'CN-NTVĐ', 'certificate', 'NTVD', FALSE),
    ('admission', 3, 'application', 'Đơn xin vào Đảng', '1-KNĐ', 'manual', NULL, FALSE),
    ('admission', 4, 'biography', 'Lý lịch người xin vào Đảng', '2-KNĐ', 'manual', NULL, FALSE),
    ('admission', 5, 'background_check', 'Thẩm tra lý lịch', NULL, 'manual', NULL, FALSE),
    ('admission', 6, 'members_introduction', 'Giấy giới thiệu của đảng viên chính thức', '3A-KNĐ', 'members_introduction', NULL, TRUE),
    ('admission', 7, 'organisation_introduction', 'Nghị quyết giới thiệu của Đoàn hoặc Công đoàn', '4-KNĐ', 'organisation_introduction', NULL, TRUE),
    ('admission', 8, 'remarks', 'Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú', '5-KNĐ', 'manual', NULL, TRUE),
    ('admission', 9, 'cell_resolution', 'Nghị quyết chi bộ đề nghị kết nạp', '6-KNĐ', 'manual', NULL, FALSE),
    ('admission', 10, 'committee_resolution', 'Nghị quyết đảng ủy cơ sở', '8-KNĐ', 'manual', NULL, FALSE),
    ('admission', 11, 'admission_decision', 'Quyết định kết nạp đảng viên', '9-KNĐ', 'admission_decision', NULL, FALSE),
    ('admission', 12, 'ceremony', 'Lễ kết nạp', NULL, 'ceremony', NULL, FALSE),
    ('recognition', 1, 'new_member_certificate', 'Giấy chứng nhận học lớp bồi dưỡng lý luận chính trị cho đảng viên mới', NULL, 'certificate', 'DVM', FALSE),
    ('recognition', 2, 'self_assessment', 'Bản tự kiểm điểm', '10-KNĐ', 'manual', NULL, FALSE),
    ('recognition', 3, 'mentor_remarks', 'Nhận xét của đảng viên giúp đỡ', '11-KNĐ', 'manual', NULL, FALSE),
    ('recognition', 4, 'remarks', 'Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú', '12-KNĐ', 'manual', NULL, FALSE),
    ('recognition', 5, 'cell_resolution', 'Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức', '13-KNĐ', 'manual', NULL, FALSE),
    ('recognition', 6, 'committee_resolution', 'Nghị quyết đảng ủy cơ sở', '15-KNĐ', 'manual', NULL, FALSE),
    ('recognition', 7, 'recognition_decision', 'Quyết định công nhận đảng viên chính thức', NULL, 'manual', NULL, FALSE);

-- One row per person and step once the secretary has recorded it; no row = not yet done.
CREATE TABLE readiness_items (
    id BIGSERIAL PRIMARY KEY,
    person_id BIGINT NOT NULL REFERENCES people(id),
    step_id BIGINT NOT NULL REFERENCES readiness_steps(id),
    -- 'done' | 'not_needed' (e.g. no verification for a family fully declared)
    status TEXT NOT NULL,
    done_on DATE,
    reference TEXT,
    -- e.g. the assigned helping member, the introducers' names
    note TEXT,
    confirmed_by BIGINT NOT NULL REFERENCES users(id),
    confirmed_at TIMESTAMP NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (person_id, step_id)
);

-- Admission targets of a party organisation for the term ("chỉ tiêu nhiệm kỳ").
CREATE TABLE admission_targets (
    id BIGSERIAL PRIMARY KEY,
    org_unit_id BIGINT NOT NULL REFERENCES org_units(id),
    term_start DATE NOT NULL,
    term_end DATE NOT NULL,
    target INTEGER NOT NULL,
    UNIQUE (org_unit_id, term_start)
);

-- Probation warnings sent (month 9 without the new-member certificate), once per person and
-- ceremony date: the outbox key makes them unique; this index finds admitted people fast.
CREATE INDEX people_ceremony_date ON people(ceremony_date);
CREATE INDEX people_admission_decision_date ON people(admission_decision_date);

-- API tokens an admin issues for integrations. Only the SHA-256 of the token is kept; the token
-- acts as the account it belongs to, with that account's roles and scope.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    -- the first characters, shown in the list so an admin can tell tokens apart
    prefix TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP,
    revoked_by BIGINT REFERENCES users(id)
);
