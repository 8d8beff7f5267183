import { DeleteObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';
import { isS3NotFound } from './s3-not-found.js';

/**
 * Tag every presigned upload puts on its original. The photos bucket's lifecycle
 * rule (deploy/lib/storage.ts) expires originals that still carry it after some
 * days; the thumbnail worker removes it once the upload is accepted.
 */
export const PENDING_UPLOAD_TAG = { key: 'pixport-upload', value: 'pending' } as const;

/** The tag as the `x-amz-tagging` header carries it (URL query encoding); S3UrlSigner signs it into uploads. */
export const PENDING_UPLOAD_TAGGING = new URLSearchParams([
  [PENDING_UPLOAD_TAG.key, PENDING_UPLOAD_TAG.value],
]).toString();

/** Which bucket an S3UploadTagging works on. */
export interface S3UploadTaggingConfig {
  readonly bucket: string;
}

/**
 * The pending-upload tag of originals in one bucket, from the side that takes
 * it off: S3UrlSigner puts {@link PENDING_UPLOAD_TAG} on every presigned
 * upload, and `keepOriginal` removes it once the upload is accepted, so the
 * lifecycle rule for unaccepted originals never expires it.
 *
 * @example
 * const tagging = new S3UploadTagging(new S3Client({}), { bucket: 'pixport-photos' });
 * await tagging.keepOriginal('originals/alice/0190...');
 */
export class S3UploadTagging {
  constructor(
    private readonly s3: S3Client,
    private readonly config: S3UploadTaggingConfig,
  ) {}

  /**
   * Removes every tag of an accepted original, and with them the pending-upload
   * tag. Originals carry no other tag.
   *
   * Harmless where there is nothing to do: an object without tags (a direct
   * upload through the API) stays as it is, and a missing object (deleted
   * since, or discarded as too large) is not an error.
   */
  async keepOriginal(key: string): Promise<void> {
    try {
      await this.s3.send(new DeleteObjectTaggingCommand({ Bucket: this.config.bucket, Key: key }));
    } catch (error) {
      if (!isS3NotFound(error)) throw error;
    }
  }
}
