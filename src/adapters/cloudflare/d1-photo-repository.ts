import type { D1Database } from '@cloudflare/workers-types/index.js';
import type { PhotoPage, PhotoRepository } from '../../application/ports/photo-repository.js';
import { VersionConflictError } from '../../domain/errors.js';
import { ImageAnalysis } from '../../domain/image-analysis.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

interface Row {
  readonly data: string;
}

// Rows of this table are written by save() only, so `data` is a photo's JSON (one written
// before videos has no `kind`: a photo).
const toPhoto = (row: Row): Photo => Photo.revive(JSON.parse(row.data) as Photo);

/** `purge_at` of a row: the upload's purge time while pending, in seconds since the epoch; else NULL. */
const purgeAt = (photo: Photo): number | null =>
  photo.status === 'pending' && photo.upload ? Math.floor(Date.parse(photo.upload.purgeAt) / 1000) : null;

/**
 * PhotoRepository on one D1 table (deploy/cloudflare/migrations/0001_photos.sql):
 * `PRIMARY KEY (owner_id, photo_id)`, the version in its own column for the
 * check and the photo as JSON in `data`.
 *
 * The same semantics as the DynamoDB adapter, one statement per write and no
 * transactions: version 1 is an INSERT that does nothing on a conflict, and
 * version n an UPDATE guarded by `version = n - 1`; `meta.changes` says
 * whether the row was written. Photo ids are UUIDv7, so `photo_id DESC` is
 * newest first, and a page resumes with `photo_id < after` inside the owner's
 * rows only. One row more than the limit is read, so the last page says so
 * (DynamoDB cannot, and may end on a page whose `last` leads nowhere).
 * `purge_at` (migration 0002) carries a pending photo's purge time, which the
 * sweep finds through a partial index; DynamoDB has its TTL instead.
 *
 * @example
 * const photos = new D1PhotoRepository(env.DB);
 * const page = await photos.listByOwner(owner, { limit: 20 });
 */
export class D1PhotoRepository implements PhotoRepository {
  constructor(private readonly db: D1Database) {}

  async get(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined> {
    const row = await this.db
      .prepare('SELECT data FROM photos WHERE owner_id = ?1 AND photo_id = ?2')
      .bind(ownerId, photoId)
      .first<Row>();
    return row ? toPhoto(row) : undefined;
  }

  async save(photo: Photo): Promise<Result<void, VersionConflictError>> {
    const data = JSON.stringify(photo);
    const statement =
      photo.version === 1
        ? this.db
            .prepare(
              'INSERT INTO photos (owner_id, photo_id, version, data, purge_at) VALUES (?1, ?2, 1, ?3, ?4) ON CONFLICT (owner_id, photo_id) DO NOTHING',
            )
            .bind(photo.ownerId, photo.id, data, purgeAt(photo))
        : this.db
            .prepare(
              'UPDATE photos SET version = ?3, data = ?4, purge_at = ?6 WHERE owner_id = ?1 AND photo_id = ?2 AND version = ?5',
            )
            .bind(photo.ownerId, photo.id, photo.version, data, photo.version - 1, purgeAt(photo));
    // The photo's labels in the index (migration 0003), in one batch with the row: harmless
    // when the write is refused, since a listing by label reads the record too.
    const labels = [...new Set((photo.labels ?? []).map((l) => ImageAnalysis.labelKey(l.name)))].map(
      (label) =>
        this.db
          .prepare('INSERT OR IGNORE INTO photo_labels (owner_id, label, photo_id) VALUES (?1, ?2, ?3)')
          .bind(photo.ownerId, label, photo.id),
    );
    const result =
      labels.length === 0 ? await statement.run() : (await this.db.batch([...labels, statement])).at(-1);
    if (result?.meta.changes === 1) return ok(undefined);
    return err(new VersionConflictError(photo.id, photo.version - 1));
  }

  async listByOwner(ownerId: OwnerId, options: { limit: number; after?: PhotoId }): Promise<PhotoPage> {
    const statement = options.after
      ? this.db
          .prepare(
            'SELECT data FROM photos WHERE owner_id = ?1 AND photo_id < ?2 ORDER BY photo_id DESC LIMIT ?3',
          )
          .bind(ownerId, options.after, options.limit + 1)
      : this.db
          .prepare('SELECT data FROM photos WHERE owner_id = ?1 ORDER BY photo_id DESC LIMIT ?2')
          .bind(ownerId, options.limit + 1);
    const { results } = await statement.all<Row>();
    const items = results.slice(0, options.limit).map(toPhoto);
    const last = results.length > options.limit ? items.at(-1)?.id : undefined;
    return last ? { items, last } : { items };
  }

  async listByLabel(
    ownerId: OwnerId,
    label: string,
    options: { limit: number; after?: PhotoId },
  ): Promise<PhotoPage> {
    const key = ImageAnalysis.labelKey(label);
    const { results } = await this.db
      .prepare(
        'SELECT p.data FROM photo_labels l JOIN photos p ON p.owner_id = l.owner_id AND p.photo_id = l.photo_id ' +
          'WHERE l.owner_id = ?1 AND l.label = ?2 AND l.photo_id < ?3 ORDER BY l.photo_id DESC LIMIT ?4',
      )
      // '~' sorts after every UUID, so no `after` is "from the newest".
      .bind(ownerId, key, options.after ?? '~', options.limit + 1)
      .all<Row>();
    const read = results.slice(0, options.limit).map(toPhoto);
    const last = results.length > options.limit ? read.at(-1)?.id : undefined;
    const items = read.filter((p) => (p.labels ?? []).some((l) => ImageAnalysis.labelKey(l.name) === key));
    return last ? { items, last } : { items };
  }

  async listPurgeable(now: Date, limit: number): Promise<readonly Photo[]> {
    const { results } = await this.db
      .prepare(
        'SELECT data FROM photos WHERE purge_at IS NOT NULL AND purge_at <= ?1 ORDER BY purge_at LIMIT ?2',
      )
      .bind(Math.floor(now.getTime() / 1000), limit)
      .all<Row>();
    return results.map(toPhoto);
  }

  async delete(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined> {
    // RETURNING: the row as it was, from the one statement that removed it.
    const row = await this.db
      .prepare('DELETE FROM photos WHERE owner_id = ?1 AND photo_id = ?2 RETURNING data')
      .bind(ownerId, photoId)
      .first<Row>();
    return row ? toPhoto(row) : undefined;
  }
}
