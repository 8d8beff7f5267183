import { type InvalidCursorError, InvalidInputError } from '../../domain/errors.js';
import { GalleryCursor } from '../../domain/gallery-cursor.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import { type SignedPhoto, signPhotos } from '../photo-urls.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UrlSigner } from '../ports/url-signer.js';

export interface ListGalleryInput {
  readonly ownerId: OwnerId;
  /** 1-100; 24 when absent. */
  readonly limit?: number;
  readonly cursor?: string;
  /** Only photos with this label (any case). */
  readonly label?: string;
}

export interface GalleryPage {
  readonly items: readonly SignedPhoto[];
  /** Absent on the last page. */
  readonly nextCursor?: string;
}

export const DEFAULT_PAGE_SIZE = 24;
export const MAX_PAGE_SIZE = 100;

// Reads of the store per page at most, when stale uploads hide most of what is read.
const MAX_READS = 4;

/**
 * One owner's photos, newest first, a page at a time, each with signed URLs.
 * A photo whose upload expired without completing is left out: it waits for
 * bytes that can no longer come, and is deleted after a grace period. One
 * whose bytes did land in time stays (on S3 the notification that accepts
 * them may still be on its way, or in the dead-letter queue), so an expired
 * pending photo costs a HEAD of its original. To keep pages full the store is
 * read again past hidden photos, a few times at most; a page may then come
 * out short, with a cursor to go on.
 */
export class ListGallery {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly signer: UrlSigner,
    private readonly clock: Clock,
  ) {}

  async execute(
    input: ListGalleryInput,
  ): Promise<Result<GalleryPage, InvalidInputError | InvalidCursorError>> {
    const limit = input.limit ?? DEFAULT_PAGE_SIZE;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_SIZE) {
      return err(new InvalidInputError(`limit must be a whole number from 1 to ${MAX_PAGE_SIZE}`, 'limit'));
    }
    let after: PhotoId | undefined;
    if (input.cursor !== undefined) {
      const decoded = GalleryCursor.decode(input.cursor, input.ownerId, input.label);
      if (!decoded.ok) return decoded;
      after = decoded.value;
    }
    const now = this.clock.now();
    const shown: Photo[] = [];
    let last: PhotoId | undefined;
    for (let read = 0; read < MAX_READS; read++) {
      const options = after ? { limit, after } : { limit };
      const page =
        input.label === undefined
          ? await this.photos.listByOwner(input.ownerId, options)
          : await this.photos.listByLabel(input.ownerId, input.label, options);
      let looked = 0;
      for (const photo of page.items) {
        if (shown.length === limit) break;
        if (await this.shows(photo, now)) shown.push(photo);
        last = photo.id;
        looked++;
      }
      // The next page resumes after the last photo looked at, if anything may follow it.
      if (looked === page.items.length && !page.last) {
        last = undefined;
        break;
      }
      if (shown.length === limit || !page.last) break;
      after = page.last;
    }
    const items = await signPhotos(shown, this.signer);
    return ok(
      last ? { items, nextCursor: GalleryCursor.encode(input.ownerId, last, input.label) } : { items },
    );
  }

  /** Every photo but a pending one whose upload expired with no original landed. */
  private async shows(photo: Photo, now: Date): Promise<boolean> {
    if (!Photo.uploadExpired(photo, now)) return true;
    return (await this.blobs.head(StorageKeys.original(photo.ownerId, photo.id))) !== undefined;
  }
}
