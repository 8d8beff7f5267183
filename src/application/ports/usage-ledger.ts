import type { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { OwnerQuota, Usage } from '../../domain/owner-usage.js';
import type { Result } from '../../domain/result.js';

/**
 * What each owner keeps (photos and bytes), counted against their quota. One
 * record per owner, changed only by single-item conditional writes (no
 * transactions: DynamoDB's emulator and D1 have none), so concurrent uploads
 * of one owner can never together go over the quota.
 *
 * A photo counts from its registration (`reserve`) until its record is gone
 * (`release`, once, by whoever removed the record).
 */
export interface UsageLedger {
  /** The owner's usage now; zero for an owner never counted. */
  get(ownerId: OwnerId): Promise<Usage>;
  /**
   * Adds `amount` to the owner's usage in one conditional write, if the total
   * stays within `quota` (a limit left out is no limit). Otherwise changes
   * nothing and returns a QuotaExceededError with the usage that refused it.
   */
  reserve(ownerId: OwnerId, amount: Usage, quota: OwnerQuota): Promise<Result<Usage, QuotaExceededError>>;
  /** Takes `amount` off the owner's usage, never below zero. */
  release(ownerId: OwnerId, amount: Usage): Promise<void>;
}
