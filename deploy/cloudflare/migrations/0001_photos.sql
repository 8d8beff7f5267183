-- Photo records of the Cloudflare deployment (D1PhotoRepository).
-- One row per photo, partitioned by owner like the DynamoDB table:
-- the primary key is (owner_id, photo_id), so an owner's newest-first page
-- is a range scan of the key in descending order (photo ids are UUIDv7).
-- `version` is a column of its own for the optimistic check of every write;
-- the photo itself is JSON in `data`, as the domain defines it.
CREATE TABLE IF NOT EXISTS photos (
  owner_id TEXT NOT NULL,
  photo_id TEXT NOT NULL,
  version INTEGER NOT NULL CHECK (version >= 1),
  data TEXT NOT NULL CHECK (json_valid(data)),
  PRIMARY KEY (owner_id, photo_id)
) WITHOUT ROWID;
