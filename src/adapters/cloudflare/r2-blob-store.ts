import type { R2Bucket } from '@cloudflare/workers-types/index.js';
import type { BlobHead, BlobObject, BlobStore } from '../../application/ports/blob-store.js';

/** R2 deletes at most this many keys per call. */
const DELETE_BATCH = 1000;

/**
 * BlobStore on an R2 bucket binding: originals and renditions by key.
 *
 * The binding is the client: no credentials, no endpoint. A missing key is
 * `null` from R2, which the port reports as undefined.
 *
 * @example
 * const blobs = new R2BlobStore(env.PHOTOS);
 * await blobs.put('renditions/alice/0190.../thumb.webp', bytes, { contentType: 'image/webp' });
 */
export class R2BlobStore implements BlobStore {
  constructor(private readonly bucket: R2Bucket) {}

  async put(
    key: string,
    bytes: Uint8Array,
    options: { contentType: string; cacheControl?: string },
  ): Promise<void> {
    await this.bucket.put(key, bytes, {
      httpMetadata: {
        contentType: options.contentType,
        ...(options.cacheControl ? { cacheControl: options.cacheControl } : {}),
      },
    });
  }

  async get(key: string): Promise<BlobObject | undefined> {
    const object = await this.bucket.get(key);
    if (!object) return undefined;
    const bytes = new Uint8Array(await object.arrayBuffer());
    const contentType = object.httpMetadata?.contentType;
    return { bytes, size: bytes.byteLength, ...(contentType ? { contentType } : {}) };
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array | undefined> {
    const object = await this.bucket.get(key, { range: { offset: start, length: end - start } });
    return object ? new Uint8Array(await object.arrayBuffer()) : undefined;
  }

  async head(key: string): Promise<BlobHead | undefined> {
    const object = await this.bucket.head(key);
    if (!object) return undefined;
    const contentType = object.httpMetadata?.contentType;
    return { size: object.size, ...(contentType ? { contentType } : {}) };
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += DELETE_BATCH) {
      await this.bucket.delete(unique.slice(i, i + DELETE_BATCH));
    }
  }
}
