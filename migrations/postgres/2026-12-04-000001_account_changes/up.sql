-- SQLite's migration of this name adds a counter of changes to accounts, for the accounts the
-- server keeps while the SQLite file stands still. On PostgreSQL nothing is kept (no change
-- counter is read there, see db::DataVersion), so there is nothing to count.
SELECT 1;
