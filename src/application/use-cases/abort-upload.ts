import { PhotoNotFoundError, UploadAlreadyReceivedError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { MultipartUploads } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

/**
 * Cancels an upload that has not completed: aborts its multipart upload (every
 * part goes with it), deletes an original that landed but was not accepted
 * yet, releases what it counted against the owner's quota, then deletes the
 * photo. Nothing is left in storage. Once the upload has
 * completed there is nothing to cancel (the photo is deleted as a photo);
 * another owner's upload is not found.
 */
export class AbortUpload {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly multipart: MultipartUploads,
    private readonly usage: UsageLedger,
  ) {}

  async execute(input: {
    readonly ownerId: OwnerId;
    readonly photoId: PhotoId;
  }): Promise<Result<void, PhotoNotFoundError | UploadAlreadyReceivedError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    if (photo.status !== 'pending') return err(new UploadAlreadyReceivedError(photo.id));
    const key = StorageKeys.original(photo.ownerId, photo.id);
    const upload = photo.upload?.multipart;
    if (upload) await this.multipart.abort(key, upload.uploadId);
    await this.blobs.deleteMany([key]);
    // Released before the record goes: a retry finds the record and releases again, which
    // changes nothing, and a record whose removal was answered with an error is released already.
    await this.usage.release(photo.ownerId, photo.id);
    await this.photos.delete(photo.ownerId, photo.id);
    return ok(undefined);
  }
}
