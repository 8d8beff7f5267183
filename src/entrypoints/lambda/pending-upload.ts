import { DeleteObjectTaggingCommand, type S3Client } from '@aws-sdk/client-s3';

/** S3 answers a missing key with NoSuchKey, or a bare 404. */
const isNotFound = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || status === 404;
};

/**
 * Removes every tag of an accepted original, and with them the
 * `pixport-upload=pending` tag its presigned upload put on it (S3UrlSigner), so
 * the bucket's lifecycle rule for unaccepted originals never expires it.
 * Originals carry no other tag.
 *
 * Harmless where there is nothing to do: an object without tags (a direct upload
 * through the API) stays as it is, and a missing object (deleted since, or
 * discarded as too large) is not an error.
 *
 * @example
 * await keepOriginal(s3, 'pixport-photos', 'originals/alice/0190...');
 */
export async function keepOriginal(s3: S3Client, bucket: string, key: string): Promise<void> {
  try {
    await s3.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}
