import { FileTooLargeError, PhotoNotFoundError, UploadMissingError } from '../../domain/errors.js';
import { type Limits, maxOriginalBytesOf } from '../../domain/limits.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { ThumbnailQueue } from '../ports/thumbnail-queue.js';

export interface AcceptUploadInput {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
  /**
   * Queue a ThumbnailJob (the default). A caller that renders right away, such
   * as the AWS worker handling the S3 notification itself, passes false.
   */
  readonly enqueue?: boolean;
}

/**
 * The bytes of an original have landed: checks they are there and within the
 * limit of its kind, marks the photo `processing` and announces it to the
 * consumers (thumbnails, analysis, video). Idempotent:
 * an upload accepted twice is accepted once.
 */
export class AcceptUpload {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly queue: ThumbnailQueue,
    private readonly clock: Clock,
    private readonly limits: Limits,
  ) {}

  /**
   * Asked before an upload target stores any bytes: true while the photo still
   * waits for its original, false once it has one; not found once deleted.
   */
  async awaitsUpload(input: {
    readonly ownerId: OwnerId;
    readonly photoId: PhotoId;
  }): Promise<Result<boolean, PhotoNotFoundError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    return ok(photo.status === 'pending');
  }

  async execute(input: AcceptUploadInput): Promise<Result<Photo, PhotoNotFoundError | UploadMissingError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    if (photo.status !== 'pending') {
      // A redelivered event. Queue again while processing: a lost enqueue would
      // otherwise leave the photo stuck, and a duplicate job is harmless.
      if (photo.status === 'processing' && input.enqueue !== false) await this.enqueue(photo);
      return ok(photo);
    }

    const key = StorageKeys.original(photo.ownerId, photo.id);
    const head = await this.blobs.head(key);
    if (!head) return err(new UploadMissingError(photo.id));

    const now = this.clock.now();
    const limit = maxOriginalBytesOf(this.limits, photo.kind);
    if (head.size > limit) {
      const tooLarge = new FileTooLargeError(head.size, limit);
      const failed = Photo.markFailed(photo, { code: tooLarge.code, message: tooLarge.message }, now);
      return this.saveThen(failed, async () => this.blobs.deleteMany([key]));
    }
    return this.saveThen(Photo.startProcessing(photo, head.size, now), async (saved) => {
      if (input.enqueue !== false) await this.enqueue(saved);
    });
  }

  private async saveThen(
    next: Photo,
    after: (saved: Photo) => Promise<void>,
  ): Promise<Result<Photo, PhotoNotFoundError>> {
    const saved = await this.photos.save(next);
    if (!saved.ok) {
      // Another delivery accepted it first: report the state it left.
      const current = await this.photos.get(next.ownerId, next.id);
      return current ? ok(current) : err(new PhotoNotFoundError(next.id));
    }
    await after(next);
    return ok(next);
  }

  private enqueue(photo: Photo): Promise<void> {
    return this.queue.enqueue({ ownerId: photo.ownerId, photoId: photo.id });
  }
}
