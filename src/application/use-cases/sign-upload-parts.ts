import {
  type InvalidInputError,
  NotMultipartUploadError,
  PhotoNotFoundError,
  UploadAlreadyReceivedError,
} from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import { MultipartPlan } from '../../domain/multipart-plan.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import type { Clock } from '../ports/clock.js';
import type { MultipartUploads, SignedPart } from '../ports/multipart-uploads.js';
import type { PhotoRepository } from '../ports/photo-repository.js';
import { extendUploadExpiry } from '../upload-expiry.js';

export interface SignUploadPartsInput {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
  /** 1 to 100 part numbers, each from 1 to the upload's part count. */
  readonly partNumbers: readonly number[];
}

export type SignUploadPartsError =
  | PhotoNotFoundError
  | UploadAlreadyReceivedError
  | NotMultipartUploadError
  | InvalidInputError;

/**
 * Signs part URLs of a pending multipart upload, each bounded to its part's
 * exact size, and moves the upload's expiry to theirs: an upload being
 * resumed is neither hidden nor swept. Another owner's upload is not found.
 */
export class SignUploadParts {
  constructor(
    private readonly photos: PhotoRepository,
    private readonly multipart: MultipartUploads,
    private readonly clock: Clock,
    private readonly limits: Limits,
  ) {}

  async execute(
    input: SignUploadPartsInput,
  ): Promise<Result<{ parts: SignedPart[]; expiresAt: string }, SignUploadPartsError>> {
    const photo = await this.photos.get(input.ownerId, input.photoId);
    if (!photo) return err(new PhotoNotFoundError(input.photoId));
    if (photo.status !== 'pending') return err(new UploadAlreadyReceivedError(photo.id));
    const upload = photo.upload?.multipart;
    if (!upload) return err(new NotMultipartUploadError(photo.id));
    const plan = { size: photo.size, partSize: upload.partSize, partCount: upload.partCount };
    const numbers = MultipartPlan.checkPartNumbers(plan, input.partNumbers);
    if (!numbers.ok) return numbers;

    const key = StorageKeys.original(photo.ownerId, photo.id);
    const parts = await Promise.all(
      numbers.value.map((n) =>
        this.multipart.signPart(key, upload.uploadId, n, MultipartPlan.sizeOf(plan, n)),
      ),
    );
    // Parts signed together expire together, up to the second they were signed in.
    const expiresAt = new Date(Math.min(...parts.map((p) => Date.parse(p.expiresAt))));
    await extendUploadExpiry(
      this.photos,
      photo,
      expiresAt,
      this.limits.pendingUploadGraceSeconds,
      this.clock.now(),
    );
    return ok({ parts, expiresAt: expiresAt.toISOString() });
  }
}
