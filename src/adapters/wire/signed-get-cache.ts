/** What a GET URL was signed for, beside its key. */
export interface SignedGetOptions {
  readonly downloadName?: string;
  readonly contentType?: string;
}

interface Entry {
  readonly stamp: number;
  readonly downloadName: string | undefined;
  readonly contentType: string | undefined;
  readonly url: string;
}

// Bounds the memory of the cache; it is simply emptied when full.
const MAX_CACHED_URLS = 10_000;

/**
 * The last GET URL a signer signed for each key, and the time step it was
 * signed in (`stamp`: the HMAC signer's rounded expiry, S3's rounded signing
 * time). A listing signs the same keys again and again: within a step it gets
 * the same URLs back, so the browser's cache of immutable renditions works and
 * nothing is signed twice. Keyed by the key alone, which a listing passes as
 * the same string each time (its hash is kept), rather than by a string built
 * per call and hashed again.
 *
 * @example
 * const url = cache.get(key, stamp, options) ?? cache.set(key, stamp, options, await sign(key));
 */
export class SignedGetCache {
  readonly #entries = new Map<string, Entry>();

  /** The URL signed for `key` with these options in step `stamp`, if there is one. */
  get(key: string, stamp: number, options: SignedGetOptions): string | undefined {
    const entry = this.#entries.get(key);
    return entry !== undefined &&
      entry.stamp === stamp &&
      entry.downloadName === options.downloadName &&
      entry.contentType === options.contentType
      ? entry.url
      : undefined;
  }

  /** Keeps `url` as the one for `key` in step `stamp`, and returns it. */
  set(key: string, stamp: number, options: SignedGetOptions, url: string): string {
    if (this.#entries.size >= MAX_CACHED_URLS) this.#entries.clear();
    this.#entries.set(key, {
      stamp,
      downloadName: options.downloadName,
      contentType: options.contentType,
      url,
    });
    return url;
  }
}
