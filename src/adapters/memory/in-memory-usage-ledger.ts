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
/** One owner's counted photos, and their bytes summed as they are counted. */
interface Counted {
  readonly photos: Map<PhotoId, number>;
  bytes: number;
}

export class InMemoryUsageLedger implements UsageLedger {
  private readonly owners = new Map<OwnerId, Counted>();

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
    if (this.owners.get(ownerId)?.photos.has(photoId)) return ok(current);
    const refusal = Usage.refusal(quota, current, Usage.photo(bytes));
    if (refusal) return err(refusal);
    const counted = this.owners.get(ownerId) ?? { photos: new Map<PhotoId, number>(), bytes: 0 };
    counted.photos.set(photoId, bytes);
    counted.bytes += bytes;
    this.owners.set(ownerId, counted);
    return ok({ photos: current.photos + 1, bytes: current.bytes + bytes });
  }

  async release(ownerId: OwnerId, photoId: PhotoId): Promise<void> {
    const counted = this.owners.get(ownerId);
    const bytes = counted?.photos.get(photoId);
    if (counted === undefined || bytes === undefined) return;
    counted.photos.delete(photoId);
    counted.bytes -= bytes;
  }

  // Totals kept as photos are counted: a dev server's owner with thousands of photos
  // is not summed again on every upload.
  private usageOf(ownerId: OwnerId): Usage {
    const counted = this.owners.get(ownerId);
    return { photos: counted?.photos.size ?? 0, bytes: counted?.bytes ?? 0 };
  }
}
