import { env } from 'cloudflare:workers';
import { D1PhotoRepository } from '../../src/adapters/cloudflare/d1-photo-repository.js';
import { QueuesThumbnailQueue } from '../../src/adapters/cloudflare/queues-thumbnail-queue.js';
import { R2BlobStore } from '../../src/adapters/cloudflare/r2-blob-store.js';
import type { ThumbnailJob } from '../../src/application/ports/thumbnail-queue.js';
import { blobStoreContract } from '../contract/blob-store.contract.js';
import { photoRepositoryContract } from '../contract/photo-repository.contract.js';
import { thumbnailQueueContract } from '../contract/thumbnail-queue.contract.js';
import { eventually, recorded } from './support.js';

blobStoreContract('R2BlobStore (workerd)', () => new R2BlobStore(env.PHOTOS));

photoRepositoryContract('D1PhotoRepository (workerd)', () => new D1PhotoRepository(env.DB));

thumbnailQueueContract('QueuesThumbnailQueue (workerd)', async () => {
  const queue = new QueuesThumbnailQueue(env.CONTRACT_JOBS as never);
  const seen = new Set((await recorded('contract-jobs')).map((b) => JSON.stringify(b)));
  return {
    queue,
    received: (count) =>
      eventually(async () => {
        const fresh = (await recorded('contract-jobs')).filter((b) => !seen.has(JSON.stringify(b)));
        if (fresh.length < count) return undefined;
        return fresh.map((b) => {
          const { ownerId, photoId } = b as ThumbnailJob;
          return { ownerId, photoId };
        });
      }),
  };
});
