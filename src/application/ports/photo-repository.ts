import type { VersionConflictError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { Result } from '../../domain/result.js';

/** One page of an owner's photos, newest first. `last` is set when more may follow. */
export interface PhotoPage {
  readonly items: readonly Photo[];
  readonly last?: PhotoId;
}

/**
 * Photo records, partitioned by owner. Writes are single-item and conditional
 * on the version, so concurrent workers cannot overwrite each other.
 */
export interface PhotoRepository {
  get(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined>;
  /**
   * Stores `photo` if the stored version is `photo.version - 1` (or, for
   * version 1, if there is no record yet); otherwise a VersionConflictError.
   */
  save(photo: Photo): Promise<Result<void, VersionConflictError>>;
  /** Newest first, at most `limit`, starting after the photo `after` when given. */
  listByOwner(ownerId: OwnerId, options: { limit: number; after?: PhotoId }): Promise<PhotoPage>;
  /**
   * The owner's photos with this label (`ImageAnalysis.labelKey`: any case), newest
   * first, paged as listByOwner. Tables keep an index of labels under the owner's
   * partition, written by `save` with single-item writes; a photo is listed only
   * while its record has the label.
   */
  listByLabel(
    ownerId: OwnerId,
    label: string,
    options: { limit: number; after?: PhotoId },
  ): Promise<PhotoPage>;
  /**
   * Pending photos of any owner whose upload's purge time (`upload.purgeAt`)
   * is at or before `now`, at most `limit`: what the sweep deletes where the
   * store has no expiry of its own (D1, memory). DynamoDB expires them itself
   * by TTL; its adapter answers with a Scan, for completeness.
   */
  listPurgeable(now: Date, limit: number): Promise<readonly Photo[]>;
  /**
   * Removes the record and returns it as it was, in one write; a missing one is
   * not an error and returns undefined. Of two concurrent deletes of a record,
   * one gets it.
   */
  delete(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined>;
}
