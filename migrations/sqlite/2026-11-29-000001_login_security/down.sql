ALTER TABLE users DROP COLUMN password_expires_at;
DROP TABLE login_throttle;
