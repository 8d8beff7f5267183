import { ContainerModule } from 'inversify';
import { InMemoryBlobStore } from '../../adapters/memory/in-memory-blob-store.js';
import { InMemoryMultipartUploads } from '../../adapters/memory/in-memory-multipart-uploads.js';
import { InMemoryPhotoRepository } from '../../adapters/memory/in-memory-photo-repository.js';
import {
  InMemoryThumbnailQueue,
  type InMemoryThumbnailQueueOptions,
} from '../../adapters/memory/in-memory-thumbnail-queue.js';
import { bindHmacUrlSigner } from './hmac-signer-binding.js';
import { TOKENS as T } from './tokens.js';

export interface MemoryConfig {
  /** Secret of the HMAC URL signer (32 bytes or more). */
  readonly urlSecret: string;
  /** Where the `/files` routes are served, e.g. `/files`. */
  readonly filesBaseUrl: string;
  readonly queue?: InMemoryThumbnailQueueOptions;
  /** Lifetime of signed GET URLs in seconds (the signer's default when absent). */
  readonly getTtlSeconds?: number;
  /** Lifetime of signed upload targets in seconds (the signer's default when absent). */
  readonly uploadTtlSeconds?: number;
}

/**
 * In-memory storage, table, queue and multipart uploads, and HMAC-signed
 * `/files` URLs (parts included): the dev server and tests.
 */
export function memoryAdapters(config: MemoryConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const blobs = new InMemoryBlobStore();
    const queue = new InMemoryThumbnailQueue(config.queue);
    bind(T.InMemoryBlobStore).toConstantValue(blobs);
    bind(T.BlobStore).toConstantValue(blobs);
    bind(T.PhotoRepository).toConstantValue(new InMemoryPhotoRepository());
    bind(T.InMemoryThumbnailQueue).toConstantValue(queue);
    bind(T.ThumbnailQueue).toConstantValue(queue);
    bindHmacUrlSigner(bind, {
      secret: config.urlSecret,
      baseUrl: config.filesBaseUrl,
      getTtlSeconds: config.getTtlSeconds,
      uploadTtlSeconds: config.uploadTtlSeconds,
    });
    bind(T.InMemoryMultipartUploads)
      .toResolvedValue((signer) => new InMemoryMultipartUploads(blobs, signer), [T.HmacUrlSigner])
      .inSingletonScope();
    bind(T.MultipartUploads).toService(T.InMemoryMultipartUploads);
    bind(T.PartStore).toService(T.InMemoryMultipartUploads);
  });
}
