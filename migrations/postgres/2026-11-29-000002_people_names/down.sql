-- Back to three name parts: the first word becomes the family name, the sort name the given
-- name, and whatever lies between the middle name (exact for Kinh names).
DROP INDEX people_birth;
ALTER TABLE people ADD COLUMN family_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN middle_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN given_name TEXT NOT NULL DEFAULT '';
UPDATE people SET
    family_name = CASE WHEN position(' ' in full_name) = 0 THEN '' ELSE split_part(full_name, ' ', 1) END,
    given_name = sort_name;
UPDATE people SET
    middle_name = trim(substr(full_name, length(family_name) + 1, greatest(0, length(full_name) - length(family_name) - length(given_name))))
    WHERE full_name LIKE family_name || '% ' || given_name AND family_name <> '';
ALTER TABLE people ALTER COLUMN family_name DROP DEFAULT;
ALTER TABLE people ALTER COLUMN middle_name DROP DEFAULT;
ALTER TABLE people ALTER COLUMN given_name DROP DEFAULT;
ALTER TABLE people DROP COLUMN full_name;
ALTER TABLE people DROP COLUMN sort_name;
