import { ContentType } from '../../domain/content-type.js';
import {
  FileTooLargeError,
  InvalidInputError,
  type QuotaExceededError,
  UnsupportedMediaTypeError,
} from '../../domain/errors.js';
import { type Limits, maxOriginalBytesOf } from '../../domain/limits.js';
import { MediaKind } from '../../domain/media-kind.js';
import { MultipartPlan } from '../../domain/multipart-plan.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { PendingUpload } from '../../domain/pending-upload.js';
import { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { MultipartUploads } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UploadTarget, UrlSigner } from '../ports/url-signer.js';
import type { UsageLedger } from '../ports/usage-ledger.js';

export interface RegisterUploadInput {
  readonly ownerId: OwnerId;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
  /**
   * Whether a size over the multipart threshold goes in parts (the default).
   * A direct upload, which stores the bytes itself, passes false.
   */
  readonly multipart?: boolean;
}

/**
 * A multipart upload: the client asks for part URLs (`POST /uploads/{id}/parts`),
 * sends `partCount` parts of `partSize` bytes (the last one the rest), then
 * completes it. The photo id names the upload.
 */
export interface MultipartTarget {
  readonly method: 'MULTIPART';
  readonly partSize: number;
  readonly partCount: number;
  /** When the upload expires unless it is resumed (parts signed, status asked). */
  readonly expiresAt: string;
}

/** How a client sends the bytes of a registered upload. */
export type UploadInstructions = UploadTarget | MultipartTarget;

export type RegisterUploadError =
  | InvalidInputError
  | UnsupportedMediaTypeError
  | FileTooLargeError
  | QuotaExceededError;

// Control characters and path separators make a name unsafe to show or to offer as a download name.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNSAFE_NAME = /[\u0000-\u001f\u007f/\\]/;

/** Checks a display filename: 1-255 characters, no control characters or slashes. */
export function checkFilename(filename: string): Result<string, InvalidInputError> {
  const name = filename.trim();
  if (name.length === 0 || name.length > 255) {
    return err(new InvalidInputError('filename must be 1-255 characters', 'filename'));
  }
  if (UNSAFE_NAME.test(name)) {
    return err(new InvalidInputError('filename must not contain control characters or slashes', 'filename'));
  }
  return ok(name);
}

/**
 * Registers an upload: checks the declared name, type and size against the
 * limits of its kind, counts the photo and its size against the owner's quota
 * (refused over it, before storage is asked for anything), and records a
 * `pending` photo with when its upload expires. A size over the multipart
 * threshold starts a multipart upload in storage, whose id the record keeps; a
 * smaller one gets a signed target that accepts exactly the declared bytes.
 *
 * The photo counts, by its id, from here until its record is removed
 * (DeletePhoto, AbortUpload, SweepStaleUploads or the table's own expiry),
 * which releases it; if registering fails half-way and left no record, it is
 * released at once.
 */
export class RegisterUpload {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly signer: UrlSigner,
    private readonly multipart: MultipartUploads,
    private readonly usage: UsageLedger,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly limits: Limits,
    /**
     * Set where the deployment cannot make a video's renditions (the Worker):
     * a video is refused as an unsupported type with this reason.
     */
    private readonly videoRefusal?: string,
  ) {}

  async execute(
    input: RegisterUploadInput,
  ): Promise<Result<{ photo: Photo; upload: UploadInstructions }, RegisterUploadError>> {
    const filename = checkFilename(input.filename);
    if (!filename.ok) return filename;
    const contentType = ContentType.parseDeclared(input.contentType);
    if (!contentType.ok) return contentType;
    if (!Number.isSafeInteger(input.size) || input.size < 1) {
      return err(new InvalidInputError('size must be a whole number of bytes, 1 or more', 'size'));
    }
    const kind = MediaKind.of(contentType.value);
    if (kind === 'video' && this.videoRefusal !== undefined) {
      return err(new UnsupportedMediaTypeError(this.videoRefusal, contentType.value));
    }
    const limit = maxOriginalBytesOf(this.limits, kind);
    if (input.size > limit) return err(new FileTooLargeError(input.size, limit));

    const id = this.ids.newPhotoId();
    try {
      // A reservation that throws may have been counted all the same (carried out, its answer lost).
      const reserved = await this.usage.reserve(input.ownerId, id, input.size, this.limits.ownerQuota ?? {});
      if (!reserved.ok) return reserved;
      return ok(await this.register(input, id, filename.value, contentType.value));
    } catch (error) {
      await this.releaseUnrecorded(input.ownerId, id);
      throw error;
    }
  }

  /**
   * After registering failed: releases the photo unless its record is there.
   * A save that failed may have been carried out (answered 500 after the
   * write): that pending record counts until whatever removes it releases it
   * (AbortUpload, SweepStaleUploads, the TTL purge), and releasing it here too
   * would count it off while it is still kept. Should the check fail as well,
   * the photo is released all the same: it then counts for nothing until its
   * record goes (whose release then changes nothing), rather than forever for
   * a record that is not there. The caller hears the first failure.
   */
  private async releaseUnrecorded(ownerId: OwnerId, id: PhotoId): Promise<void> {
    const recorded = await this.photos.get(ownerId, id).catch(() => undefined);
    if (!recorded) await this.usage.release(ownerId, id).catch(() => undefined);
  }

  private async register(
    input: RegisterUploadInput,
    id: PhotoId,
    filename: string,
    contentType: ContentType,
  ): Promise<{ photo: Photo; upload: UploadInstructions }> {
    const now = this.clock.now();
    const key = StorageKeys.original(input.ownerId, id);
    const grace = this.limits.pendingUploadGraceSeconds;
    let upload: UploadInstructions;
    let pending: PendingUpload;
    if (input.multipart !== false && input.size > this.limits.multipartThresholdBytes) {
      const plan = MultipartPlan.of(input.size, this.limits.multipartPartBytes);
      const uploadId = await this.multipart.create(key, { contentType });
      const expiresAt = new Date(now.getTime() + this.multipart.partUrlTtlSeconds * 1000);
      const { partSize, partCount } = plan;
      pending = PendingUpload.until(expiresAt, grace, { uploadId, partSize, partCount });
      upload = { method: 'MULTIPART', partSize, partCount, expiresAt: expiresAt.toISOString() };
    } else {
      upload = await this.signer.signUpload(key, { contentType, size: input.size });
      pending = PendingUpload.until(new Date(upload.expiresAt), grace);
    }

    const photo = Photo.register({
      id,
      ownerId: input.ownerId,
      filename,
      contentType,
      size: input.size,
      now,
      upload: pending,
    });
    const saved = await this.photos.save(photo);
    // A fresh time-ordered id cannot collide; a conflict here is a broken store.
    if (!saved.ok) throw saved.error;
    return { photo, upload };
  }
}
