import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Clock } from '../../application/ports/clock.js';
import type { SignGetRequest, UploadTarget, UrlSigner } from '../../application/ports/url-signer.js';
import { contentDisposition } from '../wire/content-disposition.js';
import { SignedGetCache, type SignedGetOptions } from '../wire/signed-get-cache.js';
import { S3GetPresigner } from './s3-get-presigner.js';
import { PENDING_UPLOAD_TAGGING } from './s3-upload-tagging.js';

/** Bucket and expiries of an S3UrlSigner. */
export interface S3UrlSignerConfig {
  readonly bucket: string;
  /** Lifetime of a presigned upload, in seconds (e.g. 300). */
  readonly uploadExpiresInSeconds: number;
  /** Lifetime of a presigned GET, in seconds (e.g. 900). */
  readonly downloadExpiresInSeconds: number;
}

/**
 * UrlSigner on S3 presigned URLs (SigV4, query-string auth): the bytes go
 * between the browser and S3, never through the API.
 *
 * Uploads are a presigned PUT that signs `Content-Type` and `Content-Length`,
 * so S3 refuses a body of any other size or type (403 SignatureDoesNotMatch).
 * It also signs `x-amz-tagging: pixport-upload=pending` as a header (not
 * hoisted into the query), so the client must send it and the original lands
 * tagged as a pending upload ({@link PENDING_UPLOAD_TAGGING}; S3UploadTagging
 * takes it off once the upload is accepted); `headers` of the target carries it.
 * It signs `If-None-Match: *` too (S3 conditional writes): S3 stores the bytes
 * only where no object is, so an upload URL used again (within its lifetime)
 * answers 412 Precondition Failed and never replaces an original once stored.
 * GETs may ask S3 to answer with a Content-Disposition (originals keep their
 * display name; the `/files` routes answer with the same one) and a Content-Type.
 *
 * A GET's signing time is rounded down to a step of a quarter of its lifetime,
 * so the same object gets the same URL for a while, as HmacUrlSigner's do: a
 * gallery listed again reuses its URLs, so the browser's cache of the immutable
 * renditions answers instead of S3, and a page of 20 photos signs its 80 URLs
 * once per step rather than on every listing. Each URL then works for between
 * three quarters of the lifetime and all of it. A cached URL keeps the
 * credentials it was signed with; the Lambda's are good for longer than a step.
 *
 * The client must be built with `requestChecksumCalculation: 'WHEN_REQUIRED'`:
 * otherwise the SDK signs a CRC32 of the empty body into every presigned PUT
 * and S3 rejects the real upload with BadDigest. `signUpload` checks this.
 *
 * @example
 * const signer = new S3UrlSigner(s3, { bucket, uploadExpiresInSeconds: 300, downloadExpiresInSeconds: 900 }, clock);
 * const target = await signer.signUpload(key, { contentType: 'image/jpeg', size: 48_213 });
 * await fetch(target.url, { method: 'PUT', headers: target.headers, body });
 */
export class S3UrlSigner implements UrlSigner {
  #checked = false;
  // The last URL signed for each key, by signing step.
  readonly #signedGets = new SignedGetCache();
  // Learnt on the first GET; a failed attempt is forgotten so the next GET tries again.
  #getPresigner: Promise<S3GetPresigner> | undefined;

  constructor(
    private readonly s3: S3Client,
    private readonly config: S3UrlSignerConfig,
    private readonly clock: Clock,
  ) {}

  async signGet(key: string, options: SignedGetOptions = {}): Promise<string> {
    const [url] = await this.signGets([{ key, ...options }]);
    return url as string;
  }

  async signGets(requests: readonly SignGetRequest[]): Promise<string[]> {
    const lifetime = this.config.downloadExpiresInSeconds;
    const step = Math.max(1, Math.floor(lifetime / 4));
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const signedAt = now - (now % step);
    return Promise.all(
      requests.map(
        (request) =>
          this.#signedGets.get(request.key, signedAt, request) ??
          this.presignGet(request, signedAt).then((url) =>
            this.#signedGets.set(request.key, signedAt, request, url),
          ),
      ),
    );
  }

  private presignGet(request: SignGetRequest, signedAt: number): Promise<string> {
    this.#getPresigner ??= S3GetPresigner.learn(this.s3, this.config.bucket).catch((error: unknown) => {
      this.#getPresigner = undefined;
      throw error;
    });
    const responseQuery: Record<string, string> = {};
    if (request.downloadName)
      responseQuery['response-content-disposition'] = contentDisposition(request.downloadName);
    if (request.contentType) responseQuery['response-content-type'] = request.contentType;
    return this.#getPresigner.then((presigner) =>
      presigner.presign(
        request.key,
        responseQuery,
        new Date(signedAt * 1000),
        this.config.downloadExpiresInSeconds,
      ),
    );
  }

  async signUpload(key: string, options: { contentType: string; size: number }): Promise<UploadTarget> {
    await this.checkChecksumMode();
    const now = this.clock.now();
    const command = new PutObjectCommand({
      Bucket: this.config.bucket,
      Key: key,
      ContentType: options.contentType,
      ContentLength: options.size,
      Tagging: PENDING_UPLOAD_TAGGING,
      IfNoneMatch: '*',
    });
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: this.config.uploadExpiresInSeconds,
      signingDate: now,
      // Signed headers are part of the signature: a body of another length or type does not match it.
      signableHeaders: new Set(['content-type', 'content-length', 'x-amz-tagging', 'if-none-match']),
      // The presigner moves x-amz-* headers into the query by default; the tag stays a
      // header, so an upload without it (or with another tag) does not match the signature.
      unhoistableHeaders: new Set(['x-amz-tagging']),
    });
    return {
      method: 'PUT',
      url,
      // Content-Length is set by the browser from the body (it may not be set by script).
      headers: {
        'Content-Type': options.contentType,
        'x-amz-tagging': PENDING_UPLOAD_TAGGING,
        'If-None-Match': '*',
      },
      expiresAt: new Date(now.getTime() + this.config.uploadExpiresInSeconds * 1000).toISOString(),
    };
  }

  private async checkChecksumMode(): Promise<void> {
    if (this.#checked) return;
    const mode = await this.s3.config.requestChecksumCalculation();
    if (mode !== 'WHEN_REQUIRED') {
      throw new Error(
        "S3UrlSigner needs an S3Client with requestChecksumCalculation: 'WHEN_REQUIRED'; otherwise presigned uploads carry the checksum of an empty body",
      );
    }
    this.#checked = true;
  }
}
