/**
 * Whether an S3 call failed because the key does not exist: S3 answers
 * NoSuchKey (GET, tagging) or a bare 404 NotFound (HEAD, which has no body).
 *
 * @example
 * try { await s3.send(new HeadObjectCommand({ Bucket, Key })) } catch (e) { if (!isS3NotFound(e)) throw e }
 */
export const isS3NotFound = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NoSuchKey' || error.name === 'NotFound' || status === 404;
};
