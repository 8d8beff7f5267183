import type { D1Database } from '@cloudflare/workers-types/index.js';
import type { UsageLedger } from '../../application/ports/usage-ledger.js';
import type { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { type OwnerQuota, Usage } from '../../domain/owner-usage.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

interface Totals {
  readonly photos: number;
  readonly bytes: number;
  /** 1 when the photo asked about is counted. */
  readonly counts: number;
}

// SQLite integers hold 2^63; a limit left out is checked against this, which nothing reaches.
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const TOTALS = `SELECT count(*) AS photos, coalesce(sum(bytes), 0) AS bytes,
  count(CASE WHEN photo_id = ?2 THEN 1 END) AS counts
  FROM owner_usage_photos WHERE owner_id = ?1`;

/**
 * UsageLedger on one D1 table (deploy/cloudflare/migrations/0005_owner_usage_photos.sql),
 * one row per counted photo with the bytes it was reserved with; the usage is
 * their count and sum.
 *
 * A reservation is one statement: an INSERT OR IGNORE of the photo's row whose
 * SELECT holds the quota against the owner's rows, so the statement that would
 * go over, or that meets the photo's own row (a retry), inserts nothing. It is
 * sent in one batch (a D1 transaction) with the read of the totals and of
 * whether the photo is counted, which tells a retry (success) from a refusal.
 * An amount that alone breaks a limit is refused before any write. A release
 * is one DELETE of the photo's row: a second one finds nothing.
 *
 * @example
 * const usage = new D1UsageLedger(env.DB);
 * await usage.reserve(owner, photoId, 4_000_000, { maxPhotos: 1000 });
 */
export class D1UsageLedger implements UsageLedger {
  constructor(private readonly db: D1Database) {}

  async get(ownerId: OwnerId): Promise<Usage> {
    const row = await this.db.prepare(TOTALS).bind(ownerId, '').first<Totals>();
    return row ? { photos: row.photos, bytes: row.bytes } : Usage.zero;
  }

  async reserve(
    ownerId: OwnerId,
    photoId: PhotoId,
    bytes: number,
    quota: OwnerQuota,
  ): Promise<Result<Usage, QuotaExceededError>> {
    const amount = Usage.photo(bytes);
    const alone = Usage.refusal(quota, Usage.zero, amount);
    if (alone) return err(Usage.refusal(quota, await this.get(ownerId), amount) ?? alone);
    const [, read] = await this.db.batch<Totals>([
      this.db
        .prepare(
          `INSERT OR IGNORE INTO owner_usage_photos (owner_id, photo_id, bytes)
           SELECT ?1, ?2, ?3 FROM (SELECT count(*) AS photos, coalesce(sum(bytes), 0) AS bytes
             FROM owner_usage_photos WHERE owner_id = ?1)
           WHERE photos + 1 <= ?4 AND bytes + ?3 <= ?5`,
        )
        .bind(ownerId, photoId, bytes, quota.maxPhotos ?? NO_LIMIT, quota.maxBytes ?? NO_LIMIT),
      this.db.prepare(TOTALS).bind(ownerId, photoId),
    ]);
    const row = read?.results[0];
    const used = row ? { photos: row.photos, bytes: row.bytes } : Usage.zero;
    // Inserted now, or by an earlier try of the same reservation: counted once either way.
    if (row?.counts) return ok(used);
    // The batch is one transaction: what refused the write is what was read after it.
    return err(Usage.refused(quota, used, amount));
  }

  async release(ownerId: OwnerId, photoId: PhotoId): Promise<void> {
    await this.db
      .prepare('DELETE FROM owner_usage_photos WHERE owner_id = ?1 AND photo_id = ?2')
      .bind(ownerId, photoId)
      .run();
  }
}
