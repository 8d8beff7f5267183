/** What storage knows about an object without reading it. */
export interface BlobHead {
  readonly size: number;
  readonly contentType?: string;
}

/** A stored object's bytes and what was stored with them. */
export interface BlobObject extends BlobHead {
  readonly bytes: Uint8Array;
}

/**
 * Object storage by key: originals and renditions. Keys come from
 * `StorageKeys`; bytes are `Uint8Array` in every runtime.
 */
export interface BlobStore {
  /** Stores the bytes under the key, replacing what was there. */
  put(key: string, bytes: Uint8Array, options: { contentType: string; cacheControl?: string }): Promise<void>;
  /** The object, or undefined when there is none. */
  get(key: string): Promise<BlobObject | undefined>;
  /** Size and type of the object, or undefined when there is none. */
  head(key: string): Promise<BlobHead | undefined>;
  /** Deletes these keys; a key with no object is not an error. */
  deleteMany(keys: readonly string[]): Promise<void>;
}
