import { InMemoryBlobStore } from '../../../src/adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../../src/adapters/memory/in-memory-photo-repository.js';
import { InMemoryThumbnailQueue } from '../../../src/adapters/memory/in-memory-thumbnail-queue.js';
import type { ThumbnailJob } from '../../../src/application/ports/thumbnail-queue.js';
import { blobStoreContract } from '../../contract/blob-store.contract.js';
import { photoRepositoryContract } from '../../contract/photo-repository.contract.js';
import { thumbnailQueueContract } from '../../contract/thumbnail-queue.contract.js';

blobStoreContract('InMemoryBlobStore', () => new InMemoryBlobStore());
photoRepositoryContract('InMemoryPhotoRepository', () => new InMemoryPhotoRepository());
thumbnailQueueContract('InMemoryThumbnailQueue', async () => {
  const queue = new InMemoryThumbnailQueue();
  const got: ThumbnailJob[] = [];
  queue.consume(async (job) => {
    got.push(job);
  });
  return {
    queue,
    received: async (count) => {
      await queue.onIdle();
      return got.slice(0, count);
    },
  };
});
