import { Photo } from '../../domain/photo.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { MultipartUploads } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

/** Photos the sweep looks at per run, by default. */
export const SWEEP_BATCH = 100;

/**
 * Deletes photos whose upload expired and never completed, once their grace
 * period is over: the multipart upload with its parts, an original that
 * landed but was never accepted, what the photo counted against its owner's
 * quota, then the record. Where the store has no
 * expiry of its own (D1, memory) something runs it on a timer: the Worker's
 * cron trigger, the dev server's interval. On AWS DynamoDB's TTL deletes the
 * records and the bucket's lifecycle rules the objects; the table's stream
 * tells the Lambda that releases the quota (ReleasePurgedUploads).
 *
 * Each photo is read again before it goes: one resumed since the listing
 * (its purge time moved) or completed meanwhile is kept.
 */
export class SweepStaleUploads {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly multipart: MultipartUploads,
    private readonly usage: UsageLedger,
    private readonly clock: Clock,
  ) {}

  /** One batch; returns how many photos were deleted. */
  async execute(input: { readonly limit?: number } = {}): Promise<{ deleted: number }> {
    const now = this.clock.now();
    const stale = await this.photos.listPurgeable(now, input.limit ?? SWEEP_BATCH);
    let deleted = 0;
    for (const listed of stale) {
      const photo = await this.photos.get(listed.ownerId, listed.id);
      if (!photo || !Photo.uploadExpired(photo, now) || !photo.upload) continue;
      if (Date.parse(photo.upload.purgeAt) > now.getTime()) continue;
      const key = StorageKeys.original(photo.ownerId, photo.id);
      if (photo.upload.multipart) await this.multipart.abort(key, photo.upload.multipart.uploadId);
      await this.blobs.deleteMany([key]);
      // Released before the record goes (release is idempotent by id): should the delete fail,
      // the next run finds the photo again and completes it; none is ever removed unreleased.
      await this.usage.release(photo.ownerId, photo.id);
      const removed = await this.photos.delete(photo.ownerId, photo.id);
      if (removed) deleted++;
    }
    return { deleted };
  }
}
