import type { UsageLedger } from '../../application/ports/usage-ledger.js';
import type { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { type OwnerQuota, Usage } from '../../domain/owner-usage.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

/**
 * A working UsageLedger in a Map, with the semantics of the table adapters:
 * each owner's counted photos (id to the bytes reserved), and each change one
 * check-and-write of one owner's entry, which nothing can interleave with
 * (JavaScript runs it to the end before another request's continuation), as a
 * conditional write is atomic in DynamoDB and D1.
 */
export class InMemoryUsageLedger implements UsageLedger {
  private readonly owners = new Map<OwnerId, Map<PhotoId, number>>();

  async get(ownerId: OwnerId): Promise<Usage> {
    return this.usageOf(ownerId);
  }

  async reserve(
    ownerId: OwnerId,
    photoId: PhotoId,
    bytes: number,
    quota: OwnerQuota,
  ): Promise<Result<Usage, QuotaExceededError>> {
    const current = this.usageOf(ownerId);
    if (this.owners.get(ownerId)?.has(photoId)) return ok(current);
    const refusal = Usage.refusal(quota, current, Usage.photo(bytes));
    if (refusal) return err(refusal);
    const counted = this.owners.get(ownerId) ?? new Map<PhotoId, number>();
    counted.set(photoId, bytes);
    this.owners.set(ownerId, counted);
    return ok({ photos: current.photos + 1, bytes: current.bytes + bytes });
  }

  async release(ownerId: OwnerId, photoId: PhotoId): Promise<void> {
    this.owners.get(ownerId)?.delete(photoId);
  }

  private usageOf(ownerId: OwnerId): Usage {
    let bytes = 0;
    const counted = this.owners.get(ownerId) ?? new Map<PhotoId, number>();
    for (const b of counted.values()) bytes += b;
    return { photos: counted.size, bytes };
  }
}
