import { Hono } from 'hono';
import { InMemoryBlobStore } from '../../../src/adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../../src/adapters/memory/in-memory-photo-repository.js';
import { InMemoryThumbnailQueue } from '../../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { InMemoryUsageLedger } from '../../../src/adapters/memory/in-memory-usage-ledger.js';
import type { ThumbnailJob } from '../../../src/application/ports/thumbnail-queue.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { filesDeps } from '../../../src/entrypoints/composition/http-deps.js';
import { TOKENS as T } from '../../../src/entrypoints/composition/tokens.js';
import { filesRoutes } from '../../../src/entrypoints/http/files-routes.js';
import { blobStoreContract } from '../../contract/blob-store.contract.js';
import { multipartUploadsContract } from '../../contract/multipart-uploads.contract.js';
import { photoRepositoryContract } from '../../contract/photo-repository.contract.js';
import { thumbnailQueueContract } from '../../contract/thumbnail-queue.contract.js';
import { usageLedgerContract } from '../../contract/usage-ledger.contract.js';
import { pendingPhoto, uniqueOwner } from '../../support/fixtures.js';
import { ManualClock } from '../../support/manual-clock.js';
import { testContainer } from '../../support/test-container.js';

blobStoreContract('InMemoryBlobStore', () => new InMemoryBlobStore());
photoRepositoryContract('InMemoryPhotoRepository', () => new InMemoryPhotoRepository());
usageLedgerContract('InMemoryUsageLedger', () => new InMemoryUsageLedger());
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

multipartUploadsContract('InMemoryMultipartUploads (through the /files part route)', async () => {
  const container = testContainer({ clock: new ManualClock(Date.now()) });
  const photos = container.get(T.PhotoRepository);
  const blobs = container.get(T.InMemoryBlobStore);
  const app = new Hono().route('/files', filesRoutes(filesDeps(container)));
  return {
    uploads: container.get(T.MultipartUploads),
    send: (part, body) =>
      app.request(part.url, {
        method: 'PUT',
        headers: { ...part.headers },
        body: body as Uint8Array<ArrayBuffer>,
      }),
    read: async (key) => (await blobs.get(key))?.bytes,
    key: async () => {
      const photo = pendingPhoto(uniqueOwner('multipart'));
      await photos.save(photo);
      return StorageKeys.original(photo.ownerId, photo.id);
    },
    // The memory store takes parts of any size; small ones keep the test fast.
    partSize: 4096,
  };
});
