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
  /**
   * The bytes from `start` (inclusive) to `end` (exclusive) of the object, fewer
   * when it ends first; undefined when there is no object. `start` must be
   * under the object's size. What a video's header and index are read with,
   * so that probing a 2 GiB original does not load it.
   */
  getRange(key: string, start: number, end: number): Promise<Uint8Array | undefined>;
  /** Size and type of the object, or undefined when there is none. */
  head(key: string): Promise<BlobHead | undefined>;
  /** Deletes these keys; a key with no object is not an error. */
  deleteMany(keys: readonly string[]): Promise<void>;
}
