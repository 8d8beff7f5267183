import type { PartRef, StoredPart } from '../../domain/multipart-plan.js';

/** Where a client sends one part: a PUT of exactly the part's bytes, whose answer carries its ETag. */
export interface SignedPart {
  readonly partNumber: number;
  /** Absolute, or relative to the API's origin. */
  readonly url: string;
  /** Headers the client must send with the PUT. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/**
 * Uploads of one object in parts that a client sends straight to storage, in
 * any order and again after a failure, and that are joined into the object at
 * the end: S3 multipart uploads, R2's multipart binding, or the memory store
 * behind the `/files` routes. Keys come from `StorageKeys`; an upload is named
 * by the id `create` returns, together with its key.
 */
export interface MultipartUploads {
  /**
   * How long a part URL signed now works, in seconds. A multipart upload's
   * record expires this long after it was last registered, resumed or signed.
   */
  readonly partUrlTtlSeconds: number;
  /** Starts an upload of the object at `key`, stored with `contentType`; returns its id. */
  create(key: string, options: { contentType: string }): Promise<string>;
  /** A URL that takes exactly `size` bytes as part `partNumber` (1-based), until it expires. */
  signPart(key: string, uploadId: string, partNumber: number, size: number): Promise<SignedPart>;
  /**
   * The parts received so far, by part number, with the ETag each upload
   * answered with; undefined when there is no such upload any more (completed,
   * aborted, or expired in storage).
   */
  listParts(key: string, uploadId: string): Promise<readonly StoredPart[] | undefined>;
  /** Joins these parts, in this order, into the object at `key`; the upload is then gone. */
  complete(key: string, uploadId: string, parts: readonly PartRef[]): Promise<void>;
  /** Drops the upload and every part received; an upload already gone is not an error. */
  abort(key: string, uploadId: string): Promise<void>;
}
