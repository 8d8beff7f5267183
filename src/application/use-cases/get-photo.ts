import { PhotoNotFoundError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { type SignedPhoto, signPhoto } from '../photo-urls.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UrlSigner } from '../ports/url-signer.js';

/** One of the owner's photos with signed URLs; another owner's photo is not found. */
export class GetPhoto {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly signer: UrlSigner,
  ) {}

  async execute(input: {
    ownerId: OwnerId;
    photoId: PhotoId;
  }): Promise<Result<SignedPhoto, PhotoNotFoundError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    return ok(await signPhoto(photo, this.signer));
  }
}
