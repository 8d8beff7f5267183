import { ContentType } from '../../domain/content-type.js';
import { FileTooLargeError, InvalidInputError, type UnsupportedMediaTypeError } from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { Clock } from '../ports/clock.js';
import type { IdGenerator } from '../ports/id-generator.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import type { UploadTarget, UrlSigner } from '../ports/url-signer.js';

export interface RegisterUploadInput {
  readonly ownerId: OwnerId;
  readonly filename: string;
  readonly contentType: string;
  readonly size: number;
}

export type RegisterUploadError = InvalidInputError | UnsupportedMediaTypeError | FileTooLargeError;

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
 * limits, records a `pending` photo and returns a signed target that accepts
 * exactly the declared bytes.
 */
export class RegisterUpload {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly signer: UrlSigner,
    private readonly ids: IdGenerator,
    private readonly clock: Clock,
    private readonly limits: Limits,
  ) {}

  async execute(
    input: RegisterUploadInput,
  ): Promise<Result<{ photo: Photo; upload: UploadTarget }, RegisterUploadError>> {
    const filename = checkFilename(input.filename);
    if (!filename.ok) return filename;
    const contentType = ContentType.parseDeclared(input.contentType);
    if (!contentType.ok) return contentType;
    if (!Number.isSafeInteger(input.size) || input.size < 1) {
      return err(new InvalidInputError('size must be a whole number of bytes, 1 or more', 'size'));
    }
    if (input.size > this.limits.maxOriginalBytes)
      return err(new FileTooLargeError(input.size, this.limits.maxOriginalBytes));

    const photo = Photo.register({
      id: this.ids.newPhotoId(),
      ownerId: input.ownerId,
      filename: filename.value,
      contentType: contentType.value,
      size: input.size,
      now: this.clock.now(),
    });
    const saved = await this.photos.save(photo);
    // A fresh time-ordered id cannot collide; a conflict here is a broken store.
    if (!saved.ok) throw saved.error;
    const upload = await this.signer.signUpload(StorageKeys.original(photo.ownerId, photo.id), {
      contentType: photo.contentType,
      size: photo.size,
    });
    return ok({ photo, upload });
  }
}
