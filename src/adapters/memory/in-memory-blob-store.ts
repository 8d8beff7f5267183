import type { BlobHead, BlobObject, BlobStore } from '../../application/ports/blob-store.js';

interface Stored {
  readonly bytes: Uint8Array;
  readonly contentType: string;
  readonly cacheControl?: string;
}

/**
 * A working BlobStore in a Map, for tests and the dev server. Bytes are copied
 * in and out, as a real store would, so callers cannot alter what is stored.
 */
export class InMemoryBlobStore implements BlobStore {
  private readonly objects = new Map<string, Stored>();

  async put(
    key: string,
    bytes: Uint8Array,
    options: { contentType: string; cacheControl?: string },
  ): Promise<void> {
    this.objects.set(key, { ...options, bytes: bytes.slice() });
  }

  async get(key: string): Promise<BlobObject | undefined> {
    const stored = this.objects.get(key);
    if (!stored) return undefined;
    return { bytes: stored.bytes.slice(), size: stored.bytes.byteLength, contentType: stored.contentType };
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.bytes.slice(start, end);
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const stored = this.objects.get(key);
    return stored && { size: stored.bytes.byteLength, contentType: stored.contentType };
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  /** Every stored key under a prefix, sorted: what a test or the dev server inspects. */
  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((k) => k.startsWith(prefix)).sort();
  }
}
