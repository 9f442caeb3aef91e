-- Certificates and their registers (sổ cấp giấy chứng nhận): one gap-free sequence per issuer
-- and year, allocated inside the issuing transaction.
CREATE TABLE certificate_registers (
    issuer_id BIGINT NOT NULL REFERENCES issuers(id),
    year INTEGER NOT NULL,
    last_number INTEGER NOT NULL,
    PRIMARY KEY (issuer_id, year)
);

-- status: valid | revoked | superseded. A reissue is a new row with a new number that links the
-- one it replaces (reissue_of_id); the old row becomes superseded and stays in the register.
-- snapshot_json holds everything printed, as it was at issue time; pdf and sha256 are the
-- exact file the learner received.
CREATE TABLE certificates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    issuer_id BIGINT NOT NULL REFERENCES issuers(id),
    year INTEGER NOT NULL,
    number INTEGER NOT NULL,
    code TEXT NOT NULL UNIQUE,
    enrolment_id BIGINT NOT NULL REFERENCES enrolments(id),
    person_id BIGINT NOT NULL REFERENCES people(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    program_id BIGINT NOT NULL REFERENCES programs(id),
    issued_on DATE NOT NULL,
    -- The first day it is no longer valid (issue date + validity months), or none.
    expires_on DATE,
    status TEXT NOT NULL,
    revoked_on DATE,
    revoked_reason TEXT,
    reissue_of_id BIGINT REFERENCES certificates(id),
    reissue_reason TEXT,
    superseded_by_id BIGINT REFERENCES certificates(id),
    snapshot_json TEXT NOT NULL,
    pdf BLOB NOT NULL,
    sha256 TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    UNIQUE (issuer_id, year, number)
);
CREATE UNIQUE INDEX certificates_one_valid ON certificates(enrolment_id) WHERE status = 'valid';
CREATE INDEX certificates_person ON certificates(person_id);
CREATE INDEX certificates_class ON certificates(class_id);
CREATE INDEX certificates_expiry ON certificates(expires_on);

-- Every lookup of /verify/CODE, found or not (the address is kept only as a hash).
CREATE TABLE certificate_verifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TIMESTAMP NOT NULL,
    certificate_id BIGINT REFERENCES certificates(id),
    address_hash TEXT NOT NULL,
    found BOOLEAN NOT NULL
);
CREATE INDEX certificate_verifications_at ON certificate_verifications(at);
