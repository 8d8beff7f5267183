/** A multipart upload in progress: the storage's id for it and how the file is cut. */
export interface MultipartUpload {
  /** The storage's id of the upload (S3's UploadId, R2's uploadId, the memory store's). */
  readonly uploadId: string;
  /** Bytes of every part but the last. */
  readonly partSize: number;
  readonly partCount: number;
}

/**
 * How a pending photo's bytes are being sent, kept on its record until they
 * land. The expiry is what the gallery hides stale uploads by; `purgeAt` is
 * when a photo still pending is deleted with any parts (DynamoDB's TTL, the
 * sweep of D1 and memory).
 */
export interface PendingUpload {
  /** When the last URL handed out for this upload stops working. A resumed multipart upload moves it. */
  readonly expiresAt: string;
  /** `expiresAt` plus the grace period. */
  readonly purgeAt: string;
  /** Set when the bytes go in parts. */
  readonly multipart?: MultipartUpload;
}

export const PendingUpload = {
  /**
   * An upload whose URLs work until `expiresAt`, purged `graceSeconds` later.
   *
   * @example PendingUpload.until(new Date('2026-01-01T00:15:00Z'), 86_400)
   * // { expiresAt: '2026-01-01T00:15:00.000Z', purgeAt: '2026-01-02T00:15:00.000Z' }
   */
  until(expiresAt: Date, graceSeconds: number, multipart?: MultipartUpload): PendingUpload {
    return {
      expiresAt: expiresAt.toISOString(),
      purgeAt: new Date(expiresAt.getTime() + graceSeconds * 1000).toISOString(),
      ...(multipart ? { multipart } : {}),
    };
  },

  /** Whether every URL of the upload has expired at `now`. */
  expired(upload: PendingUpload, now: Date): boolean {
    return Date.parse(upload.expiresAt) <= now.getTime();
  },

  /** The upload with its expiry (and purge time) moved to `expiresAt`, or undefined when that is no later. */
  extended(upload: PendingUpload, expiresAt: Date, graceSeconds: number): PendingUpload | undefined {
    if (expiresAt.getTime() <= Date.parse(upload.expiresAt)) return undefined;
    return PendingUpload.until(expiresAt, graceSeconds, upload.multipart);
  },
};
