import type { BlobHead, BlobObject, BlobStore } from '../../src/application/ports/blob-store.js';

/**
 * A BlobStore decorator that makes the next N puts or gets fail with an Error,
 * as a real store does when the network drops: what a transient failure looks
 * like to a use case. Every other call, and every call once the failures are
 * used up, goes to the wrapped store.
 *
 * @example
 * const blobs = new FailingBlobStore(new InMemoryBlobStore());
 * blobs.failNextPuts(1); // the next put rejects, the one after works
 */
export class FailingBlobStore implements BlobStore {
  private putFailures = 0;
  private getFailures = 0;

  constructor(private readonly inner: BlobStore) {}

  /** The next `count` puts reject without storing anything. */
  failNextPuts(count: number): void {
    this.putFailures = count;
  }

  /** The next `count` gets (whole or ranges) reject without reading anything. */
  failNextGets(count: number): void {
    this.getFailures = count;
  }

  async put(
    key: string,
    bytes: Uint8Array,
    options: { contentType: string; cacheControl?: string },
  ): Promise<void> {
    if (this.putFailures > 0) {
      this.putFailures--;
      throw new Error(`injected failure: put ${key}`);
    }
    return this.inner.put(key, bytes, options);
  }

  async get(key: string): Promise<BlobObject | undefined> {
    if (this.getFailures > 0) {
      this.getFailures--;
      throw new Error(`injected failure: get ${key}`);
    }
    return this.inner.get(key);
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array | undefined> {
    if (this.getFailures > 0) {
      this.getFailures--;
      throw new Error(`injected failure: get ${key} (bytes ${start}-${end})`);
    }
    return this.inner.getRange(key, start, end);
  }

  head(key: string): Promise<BlobHead | undefined> {
    return this.inner.head(key);
  }

  deleteMany(keys: readonly string[]): Promise<void> {
    return this.inner.deleteMany(keys);
  }
}
