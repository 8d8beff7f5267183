import {
  type InvalidInputError,
  NotMultipartUploadError,
  PhotoNotFoundError,
  UploadExpiredError,
  type UploadMissingError,
  type UploadPartMismatchError,
  type UploadPartMissingError,
} from '../../domain/errors.js';
import { MultipartPlan, type PartRef } from '../../domain/multipart-plan.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { MultipartUploads } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { AcceptUpload } from './accept-upload.js';

export interface CompleteUploadInput {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
  /** Every part, each with the ETag its upload answered with. */
  readonly parts: readonly PartRef[];
}

export type CompleteUploadError =
  | PhotoNotFoundError
  | NotMultipartUploadError
  | InvalidInputError
  | UploadPartMissingError
  | UploadPartMismatchError
  | UploadExpiredError
  | UploadMissingError;

/**
 * Ends a multipart upload: checks that every part from 1 to the part count is
 * listed, received, with its ETag and exact size (so the declared size holds
 * across all parts), has storage join them into the original, then accepts it
 * like any other upload. A wrong or missing part is named and changes
 * nothing, so the upload can go on. Completing again after it worked answers
 * with the photo as it stands.
 */
export class CompleteUpload {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly multipart: MultipartUploads,
    private readonly accept: AcceptUpload,
    /** Storage announces the joined original itself (S3 notifications): accept without queueing a job. */
    private readonly storageAnnouncesUploads = false,
  ) {}

  async execute(input: CompleteUploadInput): Promise<Result<Photo, CompleteUploadError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    if (photo.status !== 'pending') return ok(photo);
    const upload = photo.upload?.multipart;
    if (!upload) return err(new NotMultipartUploadError(photo.id));
    const key = StorageKeys.original(photo.ownerId, photo.id);

    const received = await this.multipart.listParts(key, upload.uploadId);
    if (!received) {
      // Another request completed it first, or storage let it go.
      const current = await this.photos.get(photo.ownerId, photo.id);
      if (!current) return err(new PhotoNotFoundError(photo.id));
      if (current.status !== 'pending') return ok(current);
      return err(new UploadExpiredError(photo.id));
    }
    const plan = { size: photo.size, partSize: upload.partSize, partCount: upload.partCount };
    const parts = MultipartPlan.checkCompletion(plan, input.parts, received);
    if (!parts.ok) return parts;
    // Storage's own ETags, which the client's match once unquoted.
    await this.multipart.complete(
      key,
      upload.uploadId,
      parts.value.map(({ partNumber, etag }) => ({ partNumber, etag })),
    );
    return this.accept.execute({
      ownerId: photo.ownerId,
      photoId: photo.id,
      enqueue: !this.storageAnnouncesUploads,
    });
  }
}
