-- Uploads that expire, and multipart uploads (D1PhotoRepository, R2MultipartUploads).
--
-- `purge_at` (seconds since the epoch) is set while a photo is pending: the time
-- its upload's grace period ends. The sweep (the Worker's cron trigger) deletes
-- the pending photos past it, oldest first, through the partial index.
ALTER TABLE photos ADD COLUMN purge_at INTEGER;
CREATE INDEX IF NOT EXISTS photos_by_purge_at ON photos (purge_at) WHERE purge_at IS NOT NULL;

-- R2's binding can resume a multipart upload but cannot list its parts, so the
-- Worker records each part as it lands: the upload (so that an unknown or ended
-- one is told apart from one with no part yet) and each part's ETag and size.
CREATE TABLE IF NOT EXISTS multipart_uploads (
  upload_id TEXT NOT NULL PRIMARY KEY,
  object_key TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS multipart_parts (
  upload_id TEXT NOT NULL,
  part_number INTEGER NOT NULL CHECK (part_number BETWEEN 1 AND 10000),
  etag TEXT NOT NULL,
  size INTEGER NOT NULL CHECK (size >= 0),
  PRIMARY KEY (upload_id, part_number)
) WITHOUT ROWID;
