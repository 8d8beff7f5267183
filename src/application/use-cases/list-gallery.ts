import { type InvalidCursorError, InvalidInputError } from '../../domain/errors.js';
import { GalleryCursor } from '../../domain/gallery-cursor.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { type SignedPhoto, signPhoto } from '../photo-urls.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UrlSigner } from '../ports/url-signer.js';

export interface ListGalleryInput {
  readonly ownerId: OwnerId;
  /** 1-100; 24 when absent. */
  readonly limit?: number;
  readonly cursor?: string;
}

export interface GalleryPage {
  readonly items: readonly SignedPhoto[];
  /** Absent on the last page. */
  readonly nextCursor?: string;
}

export const DEFAULT_PAGE_SIZE = 24;
export const MAX_PAGE_SIZE = 100;

/** One owner's photos, newest first, a page at a time, each with signed URLs. */
export class ListGallery {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly signer: UrlSigner,
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
      const decoded = GalleryCursor.decode(input.cursor, input.ownerId);
      if (!decoded.ok) return decoded;
      after = decoded.value;
    }
    const page = await this.photos.listByOwner(input.ownerId, after ? { limit, after } : { limit });
    const items = await Promise.all(page.items.map((photo) => signPhoto(photo, this.signer)));
    return ok(page.last ? { items, nextCursor: GalleryCursor.encode(input.ownerId, page.last) } : { items });
  }
}
