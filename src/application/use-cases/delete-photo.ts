import { PhotoNotFoundError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { MultipartUploads } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';

/**
 * Removes a photo: its original, every rendition, then the record (and, for
 * a photo still pending, its multipart upload with any parts). Objects go
 * first so that a crash half-way leaves a record to delete again, never an
 * orphan object. Repeating it answers not-found.
 */
export class DeletePhoto {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly settings: RenditionSettings,
    private readonly multipart: MultipartUploads,
  ) {}

  async execute(input: { ownerId: OwnerId; photoId: PhotoId }): Promise<Result<void, PhotoNotFoundError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    // Keys are deterministic, so also delete every rendition the current
    // presets would have made: a job that stored renditions but crashed before
    // saving the record must not leave them behind.
    const keys = new Set<string>([StorageKeys.original(photo.ownerId, photo.id)]);
    for (const r of photo.renditions) keys.add(r.key);
    for (const p of this.settings.presets)
      keys.add(StorageKeys.rendition(photo.ownerId, photo.id, p.name, this.settings.format));
    const upload = photo.status === 'pending' ? photo.upload?.multipart : undefined;
    if (upload) await this.multipart.abort(StorageKeys.original(photo.ownerId, photo.id), upload.uploadId);
    await this.blobs.deleteMany([...keys]);
    await this.photos.delete(photo.ownerId, photo.id);
    return ok(undefined);
  }
}
