import { PhotoNotFoundError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { MultipartUploads } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

/**
 * Removes a photo or a video: its original, every rendition (a video's MP4
 * and poster too), then the record (and, for
 * a photo still pending, its multipart upload with any parts). Objects go
 * first so that a crash half-way leaves a record to delete again, never an
 * orphan object. Repeating it answers not-found.
 *
 * What "nothing of it is left" means exactly: no current object under the
 * photo's keys and no record, so no URL, list or job can reach it again.
 * Where storage keeps versions (the versioned S3 bucket on AWS), each delete
 * leaves the previous version behind as a noncurrent one, which only an
 * operator can read or restore and which the bucket's lifecycle rules delete
 * for good (originals after 30 days by default, renditions after 1 day); the
 * table's point-in-time recovery keeps the record's history for 35 days. R2
 * and the memory store keep no versions: there the bytes are gone at once.
 *
 * What the photo counted against its owner's quota is released, by its id,
 * just before the record is removed: the ledger counts a photo off once
 * however many deletes release it, and a retried delete completes a removal
 * whose answer was lost. Only a delete that released and then failed to
 * remove the record, and is never retried, leaves a record that no longer
 * counts.
 */
export class DeletePhoto {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly settings: RenditionSettings,
    private readonly multipart: MultipartUploads,
    private readonly usage: UsageLedger,
  ) {}

  async execute(input: { ownerId: OwnerId; photoId: PhotoId }): Promise<Result<void, PhotoNotFoundError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    // Keys are deterministic, so also delete every rendition the current
    // presets would have made: a job that stored renditions but crashed before
    // saving the record must not leave them behind.
    const keys = new Set<string>([
      StorageKeys.original(photo.ownerId, photo.id),
      StorageKeys.analysisImage(photo.ownerId, photo.id),
    ]);
    // A video's MP4, poster and sampled frames: a transcode may have stored them before its completion was recorded.
    if (photo.kind === 'video') {
      keys.add(StorageKeys.videoMp4(photo.ownerId, photo.id));
      keys.add(StorageKeys.videoPoster(photo.ownerId, photo.id));
      for (const k of StorageKeys.videoFrames(photo.ownerId, photo.id, photo.video?.plan ?? {})) keys.add(k);
      for (const f of photo.video?.frames ?? []) keys.add(f.key);
    }
    for (const r of photo.renditions) keys.add(r.key);
    for (const p of this.settings.presets)
      keys.add(StorageKeys.rendition(photo.ownerId, photo.id, p.name, this.settings.format));
    const upload = photo.status === 'pending' ? photo.upload?.multipart : undefined;
    if (upload) await this.multipart.abort(StorageKeys.original(photo.ownerId, photo.id), upload.uploadId);
    await this.blobs.deleteMany([...keys]);
    // Released before the record goes, by id (so once, however many deletes release it): should
    // the removal be answered with an error, carried out or not, the photo is released already,
    // and a retry that still finds the record releases again for nothing and removes it.
    await this.usage.release(photo.ownerId, photo.id);
    await this.photos.delete(photo.ownerId, photo.id);
    return ok(undefined);
  }
}
