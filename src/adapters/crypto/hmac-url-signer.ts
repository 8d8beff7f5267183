import type { Clock } from '../../application/ports/clock.js';
import type { SignedPart } from '../../application/ports/multipart-uploads.js';
import type { SignGetRequest, UploadTarget, UrlSigner } from '../../application/ports/url-signer.js';
import { Base64Url } from '../../domain/base64url.js';
import { InvalidSignatureError } from '../../domain/errors.js';
import { err, ok, type Result } from '../../domain/result.js';
import { SignedGetCache, type SignedGetOptions } from '../wire/signed-get-cache.js';

export interface HmacUrlSignerConfig {
  /** At least 32 bytes of secret; the same secret must sign and verify. */
  readonly secret: string;
  /** Where the app serves its `/files` routes: `/files` or an absolute URL. */
  readonly baseUrl: string;
  /** Lifetime of GET URLs (default 900 s). */
  readonly getTtlSeconds?: number;
  /** Lifetime of upload targets (default 900 s). */
  readonly uploadTtlSeconds?: number;
}

/** What a valid signature allows. */
export type SignedGrant =
  | {
      readonly method: 'GET';
      readonly key: string;
      readonly downloadName?: string;
      readonly contentType?: string;
    }
  | { readonly method: 'PUT'; readonly key: string; readonly contentType: string; readonly size: number };

/** What a valid part URL allows: exactly `size` bytes as part `partNumber` of one multipart upload. */
export interface PartGrant {
  readonly key: string;
  readonly uploadId: string;
  readonly partNumber: number;
  readonly size: number;
}

const encoder = new TextEncoder();

/** `originals/a b/x` -> `originals/a%20b/x`: each segment encoded, slashes kept. */
export const encodeKeyPath = (key: string): string => key.split('/').map(encodeURIComponent).join('/');

/**
 * Signs URLs for the app's own `/files` routes with HMAC-SHA256 on Web Crypto,
 * so it runs unchanged in Node, workerd and a browser. The signature covers
 * the method, the key, the expiry and every parameter the route enforces
 * (content type and exact size of an upload, download name of a read);
 * verification uses `crypto.subtle.verify`, which compares in constant time.
 *
 * @example
 * const signer = new HmacUrlSigner({ secret, baseUrl: '/files' }, clock);
 * const url = await signer.signGet('renditions/alice/0190.../thumb.webp');
 * // '/files/renditions/alice/0190.../thumb.webp?exp=1767225600&sig=...'
 */
export class HmacUrlSigner implements UrlSigner {
  private readonly key: Promise<CryptoKey>;
  private readonly getTtl: number;
  private readonly uploadTtl: number;
  private readonly getStep: number;
  // The last URL signed for each key, by expiry step.
  private readonly signedGets = new SignedGetCache();

  constructor(
    private readonly config: HmacUrlSignerConfig,
    private readonly clock: Clock,
  ) {
    if (encoder.encode(config.secret).byteLength < 32)
      throw new Error('the URL signing secret must be at least 32 bytes');
    this.key = crypto.subtle.importKey(
      'raw',
      encoder.encode(config.secret),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign', 'verify'],
    );
    this.getTtl = config.getTtlSeconds ?? 900;
    this.getStep = Math.max(1, Math.floor(this.getTtl / 4));
    this.uploadTtl = config.uploadTtlSeconds ?? 900;
  }

  /** How long an upload target or a part URL signed now works, in seconds. */
  get uploadTtlSeconds(): number {
    return this.uploadTtl;
  }

  // Not `async`: a URL from the cache is handed back without an async function's
  // machinery, which a gallery page would run for each of its hundred URLs.
  signGet(key: string, options: SignedGetOptions = {}): Promise<string> {
    const exp = this.getExpiry();
    const cached = this.signedGets.get(key, exp, options);
    return cached !== undefined ? Promise.resolve(cached) : this.signAndKeep(key, exp, options);
  }

  // A page's URLs at one expiry: cached ones are filled in place, and only the
  // missing ones are signed (side by side), so a page served from the cache
  // costs one clock read and one promise.
  signGets(requests: readonly SignGetRequest[]): Promise<string[]> {
    const exp = this.getExpiry();
    const urls: string[] = new Array(requests.length);
    const missing: Promise<void>[] = [];
    requests.forEach((request, i) => {
      const cached = this.signedGets.get(request.key, exp, request);
      if (cached !== undefined) urls[i] = cached;
      else
        missing.push(
          this.signAndKeep(request.key, exp, request).then((url) => {
            urls[i] = url;
          }),
        );
    });
    return missing.length > 0 ? Promise.all(missing).then(() => urls) : Promise.resolve(urls);
  }

  /**
   * Expiries are rounded up to a step of a quarter of the TTL, so the same
   * object gets the same URL for a while: a gallery listed twice reuses its
   * URLs (the browser's cache of immutable renditions then works), and the
   * signature is computed once per step instead of once per listing.
   */
  private getExpiry(): number {
    return Math.ceil(this.expiry(this.getTtl) / this.getStep) * this.getStep;
  }

  private signAndKeep(key: string, exp: number, options: SignedGetOptions): Promise<string> {
    return this.buildGet(key, exp, options).then((url) => this.signedGets.set(key, exp, options, url));
  }

  private async buildGet(key: string, exp: number, options: SignedGetOptions): Promise<string> {
    const params = new URLSearchParams({ exp: String(exp) });
    if (options.downloadName !== undefined) params.set('dn', options.downloadName);
    if (options.contentType !== undefined) params.set('ct', options.contentType);
    params.set(
      'sig',
      await this.sign(['GET', key, exp, options.downloadName ?? '', options.contentType ?? '']),
    );
    return `${this.url(key)}?${params}`;
  }

  async signUpload(key: string, options: { contentType: string; size: number }): Promise<UploadTarget> {
    const exp = this.expiry(this.uploadTtl);
    const params = new URLSearchParams({
      exp: String(exp),
      ct: options.contentType,
      len: String(options.size),
    });
    params.set('sig', await this.sign(['PUT', key, exp, options.contentType, options.size]));
    return {
      method: 'PUT',
      url: `${this.url(key)}?${params}`,
      headers: { 'Content-Type': options.contentType },
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /**
   * A part URL of a multipart upload whose parts the app's `/files` routes
   * take: `{base}/{key}/parts/{partNumber}?uploadId=&len=&exp=&sig=`. The
   * signature covers the key, the upload, the part number and its exact size,
   * so a URL cannot be moved to another part, upload or length.
   */
  async signPart(key: string, uploadId: string, partNumber: number, size: number): Promise<SignedPart> {
    const exp = this.expiry(this.uploadTtl);
    const params = new URLSearchParams({ uploadId, len: String(size), exp: String(exp) });
    params.set('sig', await this.sign(['PART', key, exp, uploadId, partNumber, size]));
    return {
      partNumber,
      url: `${this.url(key)}/parts/${partNumber}?${params}`,
      expiresAt: new Date(exp * 1000).toISOString(),
    };
  }

  /** Checks a request on a part URL: `key` and `partNumber` from its path, `params` its query. */
  async verifyPart(
    key: string,
    partNumber: number,
    params: URLSearchParams,
  ): Promise<Result<PartGrant, InvalidSignatureError>> {
    const exp = Number(params.get('exp'));
    const sig = Base64Url.decode(params.get('sig') ?? '');
    const uploadId = params.get('uploadId') ?? '';
    const size = Number(params.get('len'));
    if (!Number.isSafeInteger(exp) || !sig || sig.byteLength === 0)
      return err(new InvalidSignatureError('the URL is not signed'));
    if (exp * 1000 <= this.clock.now().getTime())
      return err(new InvalidSignatureError('the signed URL has expired'));
    if (!uploadId || !Number.isSafeInteger(size) || size < 0 || !Number.isSafeInteger(partNumber))
      return err(new InvalidSignatureError('the part URL is incomplete'));
    const fields = ['PART', key, exp, uploadId, partNumber, size];
    const valid = await crypto.subtle.verify('HMAC', await this.key, sig, this.payload(fields));
    return valid
      ? ok({ key, uploadId, partNumber, size })
      : err(new InvalidSignatureError('the signature does not match'));
  }

  /**
   * Checks a request on a signed URL: `key` is the decoded path after the base,
   * `params` its query. Returns what the signature grants, or why not.
   */
  async verify(
    method: 'GET' | 'PUT',
    key: string,
    params: URLSearchParams,
  ): Promise<Result<SignedGrant, InvalidSignatureError>> {
    const exp = Number(params.get('exp'));
    const sig = Base64Url.decode(params.get('sig') ?? '');
    if (!Number.isSafeInteger(exp) || !sig || sig.byteLength === 0)
      return err(new InvalidSignatureError('the URL is not signed'));
    if (exp * 1000 <= this.clock.now().getTime())
      return err(new InvalidSignatureError('the signed URL has expired'));
    const ct = params.get('ct') ?? '';
    let grant: SignedGrant;
    let fields: (string | number)[];
    if (method === 'GET') {
      const dn = params.get('dn') ?? '';
      fields = ['GET', key, exp, dn, ct];
      grant = { method, key, ...(dn ? { downloadName: dn } : {}), ...(ct ? { contentType: ct } : {}) };
    } else {
      const size = Number(params.get('len'));
      if (!Number.isSafeInteger(size) || size < 0 || !ct)
        return err(new InvalidSignatureError('the upload URL is incomplete'));
      fields = ['PUT', key, exp, ct, size];
      grant = { method, key, contentType: ct, size };
    }
    const valid = await crypto.subtle.verify('HMAC', await this.key, sig, this.payload(fields));
    return valid ? ok(grant) : err(new InvalidSignatureError('the signature does not match'));
  }

  private expiry(ttlSeconds: number): number {
    return Math.floor(this.clock.now().getTime() / 1000) + ttlSeconds;
  }

  private url(key: string): string {
    return `${this.config.baseUrl.replace(/\/+$/, '')}/${encodeKeyPath(key)}`;
  }

  // JSON keeps field boundaries unambiguous: no two field lists sign alike.
  private payload(fields: readonly (string | number)[]): Uint8Array<ArrayBuffer> {
    return encoder.encode(JSON.stringify(fields));
  }

  private async sign(fields: readonly (string | number)[]): Promise<string> {
    return Base64Url.encode(
      new Uint8Array(await crypto.subtle.sign('HMAC', await this.key, this.payload(fields))),
    );
  }
}
