import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  ListPartsCommand,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../../application/ports/clock.js';
import type { MultipartUploads, SignedPart } from '../../application/ports/multipart-uploads.js';
import type { PartRef, StoredPart } from '../../domain/multipart-plan.js';
import { PENDING_UPLOAD_TAGGING } from './s3-upload-tagging.js';

/** Bucket and part URL lifetime of an S3MultipartUploads. */
export interface S3MultipartUploadsConfig {
  readonly bucket: string;
  /** Lifetime of a presigned part URL, in seconds (e.g. 300). */
  readonly partExpiresInSeconds: number;
}

/** What S3 (and the SDK) call an upload that is no longer there: completed, aborted, or expired. */
const isNoSuchUpload = (error: unknown): boolean => {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  return error.name === 'NoSuchUpload' || status === 404;
};

/**
 * MultipartUploads on S3 multipart uploads; the parts go from the browser
 * straight to S3 through presigned UploadPart URLs.
 *
 * - The upload is created with the pending-upload tag (as the presigned single
 *   PUT signs it), so the joined original is expired by the bucket's
 *   lifecycle rule unless the worker accepts it; the bucket's other rule
 *   aborts an upload left incomplete after a day, parts and all.
 * - Each part URL signs `Content-Length`, so S3 takes exactly the part's size
 *   (403 SignatureDoesNotMatch otherwise). S3's answer carries the part's
 *   quoted ETag, which the bucket's CORS rule exposes to the page.
 * - `complete` leads to an `ObjectCreated:CompleteMultipartUpload`
 *   notification, which the worker handles like a PUT.
 *
 * The client must be built with `requestChecksumCalculation: 'WHEN_REQUIRED'`,
 * as for S3UrlSigner: otherwise every part URL signs the checksum of an empty
 * body and S3 refuses the real part with BadDigest.
 *
 * @example
 * const uploads = new S3MultipartUploads(s3, { bucket, partExpiresInSeconds: 300 }, clock);
 * const id = await uploads.create('originals/alice/0190...', { contentType: 'image/jpeg' });
 * const part = await uploads.signPart('originals/alice/0190...', id, 1, 8 * 1024 * 1024);
 */
export class S3MultipartUploads implements MultipartUploads {
  #checked = false;

  constructor(
    private readonly s3: S3Client,
    private readonly config: S3MultipartUploadsConfig,
    private readonly clock: Clock,
  ) {}

  get partUrlTtlSeconds(): number {
    return this.config.partExpiresInSeconds;
  }

  async create(key: string, options: { contentType: string }): Promise<string> {
    const out = await this.s3.send(
      new CreateMultipartUploadCommand({
        Bucket: this.config.bucket,
        Key: key,
        ContentType: options.contentType,
        Tagging: PENDING_UPLOAD_TAGGING,
      }),
    );
    if (!out.UploadId) throw new Error(`S3 started no multipart upload of ${key}`);
    return out.UploadId;
  }

  async signPart(key: string, uploadId: string, partNumber: number, size: number): Promise<SignedPart> {
    await this.checkChecksumMode();
    const now = this.clock.now();
    const url = await getSignedUrl(
      this.s3,
      new UploadPartCommand({
        Bucket: this.config.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        ContentLength: size,
      }),
      {
        expiresIn: this.config.partExpiresInSeconds,
        signingDate: now,
        // A body of another length does not match the signature.
        signableHeaders: new Set(['content-length']),
      },
    );
    return {
      partNumber,
      url,
      expiresAt: new Date(now.getTime() + this.config.partExpiresInSeconds * 1000).toISOString(),
    };
  }

  async listParts(key: string, uploadId: string): Promise<readonly StoredPart[] | undefined> {
    const parts: StoredPart[] = [];
    let marker: string | undefined;
    try {
      for (;;) {
        const out = await this.s3.send(
          new ListPartsCommand({
            Bucket: this.config.bucket,
            Key: key,
            UploadId: uploadId,
            ...(marker ? { PartNumberMarker: marker } : {}),
          }),
        );
        for (const p of out.Parts ?? []) {
          if (p.PartNumber === undefined || p.ETag === undefined) continue;
          parts.push({ partNumber: p.PartNumber, etag: p.ETag, size: p.Size ?? 0 });
        }
        if (!out.IsTruncated || !out.NextPartNumberMarker) break;
        marker = out.NextPartNumberMarker;
      }
    } catch (error) {
      if (isNoSuchUpload(error)) return undefined;
      throw error;
    }
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async complete(key: string, uploadId: string, parts: readonly PartRef[]): Promise<void> {
    await this.s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.config.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })) },
      }),
    );
  }

  async abort(key: string, uploadId: string): Promise<void> {
    try {
      await this.s3.send(
        new AbortMultipartUploadCommand({ Bucket: this.config.bucket, Key: key, UploadId: uploadId }),
      );
    } catch (error) {
      if (!isNoSuchUpload(error)) throw error;
    }
  }

  private async checkChecksumMode(): Promise<void> {
    if (this.#checked) return;
    const mode = await this.s3.config.requestChecksumCalculation();
    if (mode !== 'WHEN_REQUIRED') {
      throw new Error(
        "S3MultipartUploads needs an S3Client with requestChecksumCalculation: 'WHEN_REQUIRED'; otherwise part URLs carry the checksum of an empty body",
      );
    }
    this.#checked = true;
  }
}
