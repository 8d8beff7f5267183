-- The label index of the Cloudflare deployment (D1PhotoRepository.listByLabel):
-- one row per (owner, label, photo), the label in ImageAnalysis.labelKey form
-- (trimmed, lower case). Under the owner like the DynamoDB table's LABEL# items,
-- so `GET /photos?label=dog` is a range scan of the key, newest first (UUIDv7 ids).
-- Rows are written in the same batch as the photo's row; a row whose photo is gone
-- or no longer has the label is skipped on read (the listing joins the record).
CREATE TABLE IF NOT EXISTS photo_labels (
  owner_id TEXT NOT NULL,
  label TEXT NOT NULL,
  photo_id TEXT NOT NULL,
  PRIMARY KEY (owner_id, label, photo_id)
) WITHOUT ROWID;
