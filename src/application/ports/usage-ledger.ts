import type { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { OwnerQuota, Usage } from '../../domain/owner-usage.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { Result } from '../../domain/result.js';

/**
 * What each owner keeps (photos and bytes), counted against their quota, photo
 * by photo: the ledger holds which photo ids it counts and the bytes each was
 * reserved with, and the usage is their sum. Every change is one single-item
 * conditional write (no transactions: DynamoDB's emulator has none), so
 * concurrent uploads of one owner can never together go over the quota.
 *
 * Both changes are keyed by the photo id and so idempotent: whoever retries,
 * redelivers or runs twice, a photo counts exactly once from its first
 * `reserve` until its first `release`. That is what lets every caller retry
 * freely and lets two paths (a failed registration and the purge of its
 * record, two deletes at once) release the same photo without counting it off
 * twice.
 */
export interface UsageLedger {
  /** The owner's usage now: the photos counted and their bytes; zero for an owner never counted. */
  get(ownerId: OwnerId): Promise<Usage>;
  /**
   * Counts photo `photoId` of `bytes` for the owner in one conditional write,
   * if the total stays within `quota` (a limit left out is no limit);
   * returns the usage with it. A photo already counted is not counted again:
   * the usage is returned as it is (its first `bytes` stand). Over the quota,
   * nothing changes and a QuotaExceededError tells the usage that refused it.
   */
  reserve(
    ownerId: OwnerId,
    photoId: PhotoId,
    bytes: number,
    quota: OwnerQuota,
  ): Promise<Result<Usage, QuotaExceededError>>;
  /**
   * Stops counting photo `photoId`, taking off the bytes it was reserved
   * with. A photo not counted (never reserved, or released already) changes
   * nothing.
   */
  release(ownerId: OwnerId, photoId: PhotoId): Promise<void>;
}
