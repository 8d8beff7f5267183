-- What each owner keeps, counted against the per-owner quota photo by photo
-- (D1UsageLedger): one row per counted photo, with the bytes it was reserved
-- with. The usage is count(*) and sum(bytes) over the owner's rows, a range of
-- the primary key.
--
-- Keyed by the photo, so both changes are idempotent: a reservation is one
-- INSERT OR IGNORE ... SELECT whose WHERE clause holds the quota (a photo
-- counted already is not counted again), a release one DELETE of the photo's
-- row (a second one finds nothing). Retries, redeliveries and two paths
-- releasing the same photo cannot make the count drift.
--
-- It replaces owner_usage (0004), whose bare totals are no longer read or
-- written: photos registered before this migration are not counted. That table
-- is left as it was, so that the previous version can still run against this
-- database.
CREATE TABLE IF NOT EXISTS owner_usage_photos (
  owner_id TEXT NOT NULL,
  photo_id TEXT NOT NULL,
  bytes INTEGER NOT NULL CHECK (bytes >= 0),
  PRIMARY KEY (owner_id, photo_id)
) WITHOUT ROWID;
