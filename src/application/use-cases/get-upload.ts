import { PhotoNotFoundError, UploadExpiredError } from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import type { StoredPart } from '../../domain/multipart-plan.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { Clock } from '../ports/clock.js';
import type { MultipartUploads } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UrlSigner } from '../ports/url-signer.js';
import { extendUploadExpiry } from '../upload-expiry.js';
import type { UploadInstructions } from './register-upload.js';

/** Where an upload stands: what a client resumes from after a reload. */
export interface UploadStatus {
  readonly photo: Photo;
  /** How to send the bytes; absent once they have landed (the photo is no longer pending). */
  readonly upload?: UploadInstructions;
  /** Parts storage holds, by part number; empty for an upload in one request. */
  readonly receivedParts: readonly StoredPart[];
}

/**
 * The state of one of the owner's uploads. A pending multipart upload reports
 * the parts received so far; a pending single upload gets a fresh signed
 * target (sending the whole file again is how it resumes). Either way the
 * upload's expiry moves forward. A multipart upload that storage no longer
 * has is expired; another owner's upload is not found.
 */
export class GetUpload {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly signer: UrlSigner,
    private readonly multipart: MultipartUploads,
    private readonly clock: Clock,
    private readonly limits: Limits,
  ) {}

  async execute(input: {
    readonly ownerId: OwnerId;
    readonly photoId: PhotoId;
  }): Promise<Result<UploadStatus, PhotoNotFoundError | UploadExpiredError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    if (photo.status !== 'pending') return ok({ photo, receivedParts: [] });
    const key = StorageKeys.original(photo.ownerId, photo.id);
    const grace = this.limits.pendingUploadGraceSeconds;
    const multipart = photo.upload?.multipart;

    if (!multipart) {
      const target = await this.signer.signUpload(key, { contentType: photo.contentType, size: photo.size });
      const now = this.clock.now();
      const extended = await extendUploadExpiry(this.photos, photo, new Date(target.expiresAt), grace, now);
      return ok({ photo: extended, upload: target, receivedParts: [] });
    }

    const received = await this.multipart.listParts(key, multipart.uploadId);
    if (!received) {
      // Completed between the two reads, or gone from storage for good.
      const current = await this.photos.get(photo.ownerId, photo.id);
      if (!current) return err(new PhotoNotFoundError(photo.id));
      if (current.status !== 'pending') return ok({ photo: current, receivedParts: [] });
      return err(new UploadExpiredError(photo.id));
    }
    const now = this.clock.now();
    const until = new Date(now.getTime() + this.multipart.partUrlTtlSeconds * 1000);
    const extended = await extendUploadExpiry(this.photos, photo, until, grace, now);
    const expiresAt = extended.upload?.expiresAt ?? until.toISOString();
    return ok({
      photo: extended,
      upload: {
        method: 'MULTIPART',
        partSize: multipart.partSize,
        partCount: multipart.partCount,
        expiresAt,
      },
      receivedParts: received,
    });
  }
}
