-- A counter that moves with every change to what an account is made of (the user, its roles,
-- the chi bộ it is secretary of), in the transaction that makes it, whoever writes: the server,
-- the command line, a hand-opened connection. The server keeps accounts while it stands still
-- (web::remembered): any other write, such as an attendance sheet saved, no longer sends every
-- next request back to the database for its account.
CREATE TABLE change_counters (
    name TEXT PRIMARY KEY NOT NULL,
    n INTEGER NOT NULL
);
INSERT INTO change_counters (name, n) VALUES ('accounts', 0);

CREATE TRIGGER accounts_users_inserted AFTER INSERT ON users
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;
CREATE TRIGGER accounts_users_updated AFTER UPDATE ON users
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;
CREATE TRIGGER accounts_users_deleted AFTER DELETE ON users
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;

CREATE TRIGGER accounts_user_roles_inserted AFTER INSERT ON user_roles
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;
CREATE TRIGGER accounts_user_roles_updated AFTER UPDATE ON user_roles
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;
CREATE TRIGGER accounts_user_roles_deleted AFTER DELETE ON user_roles
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;

CREATE TRIGGER accounts_secretary_units_inserted AFTER INSERT ON secretary_units
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;
CREATE TRIGGER accounts_secretary_units_updated AFTER UPDATE ON secretary_units
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;
CREATE TRIGGER accounts_secretary_units_deleted AFTER DELETE ON secretary_units
BEGIN UPDATE change_counters SET n = n + 1 WHERE name = 'accounts'; END;
