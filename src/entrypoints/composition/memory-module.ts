import { ContainerModule, type ServiceIdentifier } from 'inversify';
import { HmacUrlSigner } from '../../adapters/crypto/hmac-url-signer.js';
import { InMemoryBlobStore } from '../../adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../adapters/memory/in-memory-photo-repository.js';
import {
  InMemoryThumbnailQueue,
  type InMemoryThumbnailQueueOptions,
} from '../../adapters/memory/in-memory-thumbnail-queue.js';
import { TOKENS as T } from './tokens.js';

export interface MemoryConfig {
  /** Secret of the HMAC URL signer (32 bytes or more). */
  readonly urlSecret: string;
  /** Where the `/files` routes are served, e.g. `/files`. */
  readonly filesBaseUrl: string;
  readonly queue?: InMemoryThumbnailQueueOptions;
}

/** Concrete classes the memory composition also hands to the app (files routes) and the worker (drain). */
export const MEMORY_TOKENS = {
  HmacUrlSigner: Symbol.for('pixport.HmacUrlSigner') as ServiceIdentifier<HmacUrlSigner>,
  InMemoryThumbnailQueue: Symbol.for(
    'pixport.InMemoryThumbnailQueue',
  ) as ServiceIdentifier<InMemoryThumbnailQueue>,
  InMemoryBlobStore: Symbol.for('pixport.InMemoryBlobStore') as ServiceIdentifier<InMemoryBlobStore>,
} as const;

/** In-memory storage, table and queue, and HMAC-signed `/files` URLs: the dev server and tests. */
export function memoryAdapters(config: MemoryConfig): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const blobs = new InMemoryBlobStore();
    const queue = new InMemoryThumbnailQueue(config.queue);
    bind(MEMORY_TOKENS.InMemoryBlobStore).toConstantValue(blobs);
    bind(T.BlobStore).toConstantValue(blobs);
    bind(T.PhotoRepository).toConstantValue(new InMemoryPhotoRepository());
    bind(MEMORY_TOKENS.InMemoryThumbnailQueue).toConstantValue(queue);
    bind(T.ThumbnailQueue).toConstantValue(queue);
    bind(MEMORY_TOKENS.HmacUrlSigner)
      .toResolvedValue(
        (clock) => new HmacUrlSigner({ secret: config.urlSecret, baseUrl: config.filesBaseUrl }, clock),
        [T.Clock],
      )
      .inSingletonScope();
    bind(T.UrlSigner).toService(MEMORY_TOKENS.HmacUrlSigner);
  });
}
