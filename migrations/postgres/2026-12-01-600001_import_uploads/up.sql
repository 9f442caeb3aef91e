-- Roster files between the preview and the commit ("Xác nhận nhập"). Kept in the database, not
-- on disk, so that any instance can commit what another previewed; found by a random token that
-- the uploader's session holds, for that account and class only; removed on commit and after a
-- day.
CREATE TABLE import_uploads (
    id BIGSERIAL PRIMARY KEY,
    token TEXT NOT NULL UNIQUE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    class_id BIGINT NOT NULL REFERENCES classes(id),
    file_name TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX import_uploads_created ON import_uploads(created_at);

-- Imported rows are matched with the registry by email and date of birth, and checked for
-- someone else with the same name and date of birth.
CREATE INDEX people_date_of_birth ON people(date_of_birth);
CREATE INDEX people_email ON people(email);
