import type { D1Database } from '@cloudflare/workers-types/index.js';
import type { UsageLedger } from '../../application/ports/usage-ledger.js';
import type { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { type OwnerQuota, Usage } from '../../domain/owner-usage.js';
import { err, ok, type Result } from '../../domain/result.js';

interface Row {
  readonly photos: number;
  readonly bytes: number;
}

// SQLite integers hold 2^63; a limit left out is checked against this, which nothing reaches.
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

/**
 * UsageLedger on one D1 table (deploy/cloudflare/migrations/0004_owner_usage.sql),
 * one row per owner.
 *
 * A reservation is one statement: an INSERT of the amount that, for an owner
 * who has a row, becomes an UPDATE adding it `WHERE` both totals stay within
 * the quota; `RETURNING` gives the new totals, and no row back means the quota
 * refused it. An amount that alone breaks a limit is refused before any
 * write. A release is one UPDATE that subtracts, floored at zero.
 *
 * @example
 * const usage = new D1UsageLedger(env.DB);
 * await usage.reserve(owner, { photos: 1, bytes: 4_000_000 }, { maxPhotos: 1000 });
 */
export class D1UsageLedger implements UsageLedger {
  constructor(private readonly db: D1Database) {}

  async get(ownerId: OwnerId): Promise<Usage> {
    const row = await this.db
      .prepare('SELECT photos, bytes FROM owner_usage WHERE owner_id = ?1')
      .bind(ownerId)
      .first<Row>();
    return row ? { photos: row.photos, bytes: row.bytes } : Usage.zero;
  }

  async reserve(
    ownerId: OwnerId,
    amount: Usage,
    quota: OwnerQuota,
  ): Promise<Result<Usage, QuotaExceededError>> {
    const alone = Usage.refusal(quota, Usage.zero, amount);
    if (alone) return err(Usage.refusal(quota, await this.get(ownerId), amount) ?? alone);
    const row = await this.db
      .prepare(
        `INSERT INTO owner_usage (owner_id, photos, bytes) VALUES (?1, ?2, ?3)
         ON CONFLICT (owner_id) DO UPDATE SET photos = photos + excluded.photos, bytes = bytes + excluded.bytes
         WHERE photos + excluded.photos <= ?4 AND bytes + excluded.bytes <= ?5
         RETURNING photos, bytes`,
      )
      .bind(ownerId, amount.photos, amount.bytes, quota.maxPhotos ?? NO_LIMIT, quota.maxBytes ?? NO_LIMIT)
      .first<Row>();
    if (row) return ok({ photos: row.photos, bytes: row.bytes });
    const used = await this.get(ownerId);
    // D1 runs one statement at a time, so what refused the write is what is read now.
    return err(Usage.refused(quota, used, amount));
  }

  async release(ownerId: OwnerId, amount: Usage): Promise<void> {
    await this.db
      .prepare(
        'UPDATE owner_usage SET photos = max(0, photos - ?2), bytes = max(0, bytes - ?3) WHERE owner_id = ?1',
      )
      .bind(ownerId, amount.photos, amount.bytes)
      .run();
  }
}
