-- What each owner keeps, counted against the per-owner quota (D1UsageLedger).
--
-- One row per owner. A reservation is one INSERT ... ON CONFLICT DO UPDATE whose
-- WHERE clause holds the quota, so the statement that would go over changes
-- nothing (meta.changes is 0); a release subtracts, floored at zero. No
-- transactions: one statement per change, as with DynamoDB.
CREATE TABLE IF NOT EXISTS owner_usage (
  owner_id TEXT NOT NULL PRIMARY KEY,
  photos INTEGER NOT NULL DEFAULT 0 CHECK (photos >= 0),
  bytes INTEGER NOT NULL DEFAULT 0 CHECK (bytes >= 0)
) WITHOUT ROWID;
