import {
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { BlobHead, BlobObject, BlobStore } from '../../application/ports/blob-store.js';
import { isS3NotFound } from './s3-not-found.js';

/** Where an S3BlobStore keeps its objects. */
export interface S3BlobStoreConfig {
  readonly bucket: string;
}

/** DeleteObjects takes at most this many keys per request. */
const DELETE_BATCH = 1000;

/**
 * BlobStore on one S3 bucket: originals and renditions by key.
 *
 * Takes the S3 client and the bucket from the composition root; endpoints and
 * credentials are the client's business (AWS_ENDPOINT_URL_S3 reaches an emulator).
 *
 * @example
 * const blobs = new S3BlobStore(new S3Client({}), { bucket: 'pixport-photos' });
 * await blobs.put('renditions/alice/0190.../thumb.webp', bytes, { contentType: 'image/webp' });
 */
export class S3BlobStore implements BlobStore {
  constructor(
    private readonly s3: S3Client,
    private readonly config: S3BlobStoreConfig,
  ) {}

  async put(
    key: string,
    bytes: Uint8Array,
    options: { contentType: string; cacheControl?: string },
  ): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.byteLength,
        ContentType: options.contentType,
        ...(options.cacheControl ? { CacheControl: options.cacheControl } : {}),
      }),
    );
  }

  async get(key: string): Promise<BlobObject | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      const bytes = out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
      return { bytes, size: bytes.byteLength, ...(out.ContentType ? { contentType: out.ContentType } : {}) };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  async getRange(key: string, start: number, end: number): Promise<Uint8Array | undefined> {
    try {
      const out = await this.s3.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: key, Range: `bytes=${start}-${end - 1}` }),
      );
      return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  async head(key: string): Promise<BlobHead | undefined> {
    try {
      const out = await this.s3.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return { size: out.ContentLength ?? 0, ...(out.ContentType ? { contentType: out.ContentType } : {}) };
    } catch (error) {
      if (isS3NotFound(error)) return undefined;
      throw error;
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    const unique = [...new Set(keys)];
    for (let i = 0; i < unique.length; i += DELETE_BATCH) {
      const chunk = unique.slice(i, i + DELETE_BATCH);
      const out = await this.s3.send(
        new DeleteObjectsCommand({
          Bucket: this.config.bucket,
          Delete: { Objects: chunk.map((Key) => ({ Key })), Quiet: true },
        }),
      );
      // DeleteObjects answers 200 even when some keys failed; a missing key is not a failure in S3.
      const failed = out.Errors ?? [];
      if (failed.length > 0) {
        const first = failed[0];
        throw new Error(
          `S3 could not delete ${failed.length} of ${chunk.length} objects (first: ${first?.Key}: ${first?.Code} ${first?.Message})`,
        );
      }
    }
  }
}
