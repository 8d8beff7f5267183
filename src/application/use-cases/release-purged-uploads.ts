import type { OwnerId } from '../../domain/owner-id.js';
import { Usage } from '../../domain/owner-usage.js';
import type { PhotoStatus } from '../../domain/photo.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

/** A photo record that the store deleted by itself (DynamoDB's TTL), as it was. */
export interface PurgedPhoto {
  readonly ownerId: OwnerId;
  readonly size: number;
  readonly status: PhotoStatus;
}

/**
 * Releases what photos counted against their owners' quota once the store
 * itself has deleted their records: on AWS, DynamoDB's TTL purges a pending
 * photo whose upload never completed, and the table's stream hands the
 * deleted item here. Only a pending photo is ever purged so; anything else is
 * left alone.
 */
export class ReleasePurgedUploads {
  constructor(private readonly usage: UsageLedger) {}

  /** Returns how many photos were released. */
  async execute(input: { readonly photos: readonly PurgedPhoto[] }): Promise<{ released: number }> {
    let released = 0;
    for (const photo of input.photos) {
      if (photo.status !== 'pending') continue;
      await this.usage.release(photo.ownerId, Usage.of(photo));
      released++;
    }
    return { released };
  }
}
