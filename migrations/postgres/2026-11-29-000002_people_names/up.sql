-- People's names are kept whole ("Họ và tên") with a sort name, because the names of the
-- Central Highlands' peoples ("Y Ngông Niê Kdăm") do not split into family, middle and given
-- name. Existing rows keep their name, and their given name becomes the sort name. The sort key
-- is a Vietnamese collation key that only the application can compute: it is emptied here, and
-- the application fills every empty key in when it connects (store::people::fill_sort_keys).
ALTER TABLE people ADD COLUMN full_name TEXT NOT NULL DEFAULT '';
ALTER TABLE people ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
UPDATE people SET
    full_name = trim(family_name || CASE WHEN middle_name = '' THEN '' ELSE ' ' || middle_name END || ' ' || given_name),
    sort_name = given_name,
    sort_key = ''::bytea;
ALTER TABLE people ALTER COLUMN full_name DROP DEFAULT;
ALTER TABLE people ALTER COLUMN sort_name DROP DEFAULT;
ALTER TABLE people DROP COLUMN family_name;
ALTER TABLE people DROP COLUMN middle_name;
ALTER TABLE people DROP COLUMN given_name;
-- The same-person check on saving looks people up by date of birth.
CREATE INDEX people_birth ON people(date_of_birth);
