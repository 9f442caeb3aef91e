DROP INDEX people_email; DROP INDEX people_date_of_birth; DROP TABLE import_uploads;
