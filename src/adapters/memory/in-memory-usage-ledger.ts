import type { UsageLedger } from '../../application/ports/usage-ledger.js';
import type { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { type OwnerQuota, Usage } from '../../domain/owner-usage.js';
import { err, ok, type Result } from '../../domain/result.js';

/**
 * A working UsageLedger in a Map, with the semantics of the table adapters:
 * each change is one check-and-write of one owner's entry, which nothing can
 * interleave with (JavaScript runs it to the end before another request's
 * continuation), as a conditional write is atomic in DynamoDB and D1.
 */
export class InMemoryUsageLedger implements UsageLedger {
  private readonly owners = new Map<OwnerId, Usage>();

  async get(ownerId: OwnerId): Promise<Usage> {
    return this.owners.get(ownerId) ?? Usage.zero;
  }

  async reserve(
    ownerId: OwnerId,
    amount: Usage,
    quota: OwnerQuota,
  ): Promise<Result<Usage, QuotaExceededError>> {
    const current = this.owners.get(ownerId) ?? Usage.zero;
    const refusal = Usage.refusal(quota, current, amount);
    if (refusal) return err(refusal);
    const next = { photos: current.photos + amount.photos, bytes: current.bytes + amount.bytes };
    this.owners.set(ownerId, next);
    return ok(next);
  }

  async release(ownerId: OwnerId, amount: Usage): Promise<void> {
    const current = this.owners.get(ownerId);
    if (current) this.owners.set(ownerId, Usage.minus(current, amount));
  }
}
