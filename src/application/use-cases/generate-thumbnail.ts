import { ContentType } from '../../domain/content-type.js';
import type { DomainError } from '../../domain/domain-error.js';
import {
  FileTooLargeError,
  ImageTooLargeError,
  UnsupportedImageError,
  UploadMissingError,
} from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { Clock } from '../ports/clock.js';
import type { ImageProcessor } from '../ports/image-processor.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import { renderRenditions } from '../render-renditions.js';

export interface GenerateThumbnailInput {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
}

/**
 * What a job did. Every expected outcome is a success of the job: a bad image
 * is recorded on the photo as `failed`, not thrown, so it is never retried.
 */
export type ThumbnailOutcome =
  | { readonly kind: 'ready'; readonly photo: Photo }
  | { readonly kind: 'failed'; readonly photo: Photo }
  | { readonly kind: 'skipped'; readonly reason: 'deleted' | 'already-done' | 'video' };

const sha256Hex = async (bytes: Uint8Array): Promise<string> => {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
};

/**
 * The worker's job: renders every preset of one photo from a single decode and
 * marks it `ready`, or `failed` with a reason. Idempotent under duplicate
 * delivery: keys are deterministic, so a re-run overwrites, and a photo that is
 * already done is left alone. A transient failure (storage, the processor
 * itself) throws before the record is touched, so the queue retries. A video
 * is skipped: the video consumer makes its renditions, from its poster frame.
 */
export class GenerateThumbnail {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly blobs: BlobStore,
    private readonly processor: ImageProcessor,
    private readonly clock: Clock,
    private readonly limits: Limits,
    private readonly settings: RenditionSettings,
  ) {}

  async execute(input: GenerateThumbnailInput): Promise<ThumbnailOutcome> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return { kind: 'skipped', reason: 'deleted' };
    if (photo.kind === 'video') return { kind: 'skipped', reason: 'video' };
    if (GenerateThumbnail.done(photo)) return { kind: 'skipped', reason: 'already-done' };

    const originalKey = StorageKeys.original(photo.ownerId, photo.id);
    const original = await this.blobs.get(originalKey);
    if (!original) return this.fail(photo, new UploadMissingError(photo.id));
    if (original.bytes.byteLength > this.limits.maxOriginalBytes) {
      return this.fail(photo, new FileTooLargeError(original.bytes.byteLength, this.limits.maxOriginalBytes));
    }
    const sniffed = ContentType.sniff(original.bytes);
    if (sniffed.kind !== 'image') {
      return this.fail(
        photo,
        new UnsupportedImageError(`the file is ${sniffed.what}, which is not a supported image`),
      );
    }
    const contentType = ContentType.of(sniffed.format);

    const rendered = await renderRenditions(
      { processor: this.processor, blobs: this.blobs },
      photo,
      original.bytes,
      this.settings,
      this.limits.maxPixels,
    );
    if (!rendered.ok) {
      // An image refused for its size still tells its size: show it with the reason.
      const { error } = rendered;
      const size = error instanceof ImageTooLargeError ? { width: error.width, height: error.height } : {};
      return this.fail(photo, error, { contentType, ...size });
    }
    const output = rendered.value;
    const { renditions } = output;

    const result = {
      contentType,
      width: output.width,
      height: output.height,
      renditions,
      placeholder: output.placeholder,
      checksum: await sha256Hex(original.bytes),
    };
    let base = photo;
    // Another consumer (analysis) may write the record while we render: apply ours on top of
    // what it wrote rather than render again. A few tries, then the queue's retry.
    for (let attempt = 1; ; attempt++) {
      const ready = Photo.markReady(base, result, this.clock.now());
      const saved = await this.photos.save(ready);
      if (saved.ok) return { kind: 'ready', photo: ready };
      const current = await this.photos.get(photo.ownerId, photo.id);
      if (!current || GenerateThumbnail.done(current) || attempt === 3) {
        return this.afterConflict(
          photo,
          saved.error,
          renditions.map((r) => r.key),
          current,
        );
      }
      base = current;
    }
  }

  /** Nothing left to render: ready, failed, or rejected by moderation. */
  private static done(photo: Photo): boolean {
    return photo.status === 'ready' || photo.status === 'failed' || photo.status === 'rejected';
  }

  private async fail(
    photo: Photo,
    reason: DomainError,
    known?: Partial<Pick<Photo, 'contentType' | 'width' | 'height'>>,
  ): Promise<ThumbnailOutcome> {
    const failed = Photo.markFailed(
      photo,
      { code: reason.code, message: reason.message },
      this.clock.now(),
      known,
    );
    const saved = await this.photos.save(failed);
    if (saved.ok) return { kind: 'failed', photo: failed };
    return this.afterConflict(photo, saved.error, []);
  }

  /** Someone changed the record while we worked: a duplicate job finished, or the photo was deleted. */
  private async afterConflict(
    photo: Photo,
    conflict: Error,
    written: readonly string[],
    known?: Photo | undefined,
  ): Promise<ThumbnailOutcome> {
    const current = known ?? (await this.photos.get(photo.ownerId, photo.id));
    if (!current) {
      // Deleted while we rendered: take back what we wrote, so nothing of it is left.
      if (written.length > 0) await this.blobs.deleteMany(written);
      return { kind: 'skipped', reason: 'deleted' };
    }
    if (GenerateThumbnail.done(current)) return { kind: 'skipped', reason: 'already-done' };
    throw conflict;
  }
}
