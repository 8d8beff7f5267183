import { ContentType } from '../../domain/content-type.js';
import {
  FileTooLargeError,
  type InvalidInputError,
  type PhotoNotFoundError,
  type QuotaExceededError,
  UnsupportedMediaTypeError,
  type UploadMissingError,
} from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { Photo } from '../../domain/photo.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import { VideoContainer } from '../../domain/video-container.js';
import type { BlobStore } from '../ports/blob-store.js';
import type { AbortUpload } from './abort-upload.js';
import type { AcceptUpload } from './accept-upload.js';
import type { RegisterUpload } from './register-upload.js';

export interface UploadPhotoInput {
  readonly ownerId: OwnerId;
  readonly filename: string;
  readonly bytes: Uint8Array;
}

export type UploadPhotoError =
  | InvalidInputError
  | UnsupportedMediaTypeError
  | FileTooLargeError
  | QuotaExceededError
  | PhotoNotFoundError
  | UploadMissingError;

/**
 * A small upload through the API itself, a photo or a short video: the type is sniffed from the bytes
 * (the client's word is not asked), then it is registered (counted against the
 * owner's quota), stored and accepted. If storing the bytes fails, the upload
 * is aborted, so the failed upload neither stays pending nor counts.
 */
export class UploadPhoto {
  constructor(
    private readonly register: RegisterUpload,
    private readonly accept: AcceptUpload,
    private readonly abort: AbortUpload,
    private readonly blobs: BlobStore,
    private readonly limits: Limits,
    /**
     * Whether storage itself announces new originals (S3 notifications on AWS):
     * then the announcement drives the thumbnails and no job is queued here,
     * which would only render the same photo twice.
     */
    private readonly storageAnnouncesUploads = false,
  ) {}

  async execute(input: UploadPhotoInput): Promise<Result<Photo, UploadPhotoError>> {
    const size = input.bytes.byteLength;
    if (size > this.limits.maxDirectUploadBytes)
      return err(new FileTooLargeError(size, this.limits.maxDirectUploadBytes));
    const contentType = UploadPhoto.sniff(input.bytes);
    if (!contentType.ok) return contentType;
    const registered = await this.register.execute({
      ownerId: input.ownerId,
      filename: input.filename,
      contentType: contentType.value,
      size,
      // The bytes are here: they are stored below, never sent in parts.
      multipart: false,
    });
    if (!registered.ok) return registered;
    const { photo } = registered.value;
    try {
      await this.blobs.put(StorageKeys.original(photo.ownerId, photo.id), input.bytes, {
        contentType: contentType.value,
      });
    } catch (error) {
      // The storage failure is what the caller hears. Should the abort fail too, the photo
      // stays pending, hidden once its upload expires, and is purged (and released) then.
      await this.abort.execute({ ownerId: photo.ownerId, photoId: photo.id }).catch(() => undefined);
      throw error;
    }
    return this.accept.execute({
      ownerId: photo.ownerId,
      photoId: photo.id,
      enqueue: !this.storageAnnouncesUploads,
    });
  }

  /** The type the bytes are: an image format, else a video container, else a refusal naming what they are. */
  private static sniff(bytes: Uint8Array): Result<ContentType, UnsupportedMediaTypeError> {
    const image = ContentType.sniff(bytes);
    if (image.kind === 'image') return ok(ContentType.of(image.format));
    const video = VideoContainer.sniff(bytes.subarray(0, VideoContainer.sniffBytes));
    if (video.kind === 'video') return ok(VideoContainer.contentType(video.container));
    // The video sniffer names other media (AVI, audio ...); the image one, the rest (SVG, HTML, executables).
    const what = video.what === 'an unrecognised format' ? image.what : video.what;
    return err(new UnsupportedMediaTypeError(`the file is ${what}, not an accepted image or video`, what));
  }
}
