import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

/** A photo record that the store deleted by itself (DynamoDB's TTL), as it was. */
export interface PurgedPhoto {
  readonly ownerId: OwnerId;
  readonly id: PhotoId;
}

/**
 * Releases what photos counted against their owners' quota once the store
 * itself has deleted their records: on AWS, DynamoDB's TTL purges a pending
 * photo whose upload never completed, and the table's stream hands the
 * deleted item here.
 *
 * Each photo is released by its id, whatever its status: its record is gone,
 * so it no longer counts. A photo released already (by a registration that
 * failed, by a delete, by this same record delivered again) is not counted
 * off twice: the ledger's release of a photo it does not count changes
 * nothing.
 */
export class ReleasePurgedUploads {
  constructor(private readonly usage: UsageLedger) {}

  /** Returns how many photos were released (asked to be: some may have been released already). */
  async execute(input: { readonly photos: readonly PurgedPhoto[] }): Promise<{ released: number }> {
    for (const photo of input.photos) await this.usage.release(photo.ownerId, photo.id);
    return { released: input.photos.length };
  }
}
