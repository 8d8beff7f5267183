import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { D1PhotoRepository } from '../../src/adapters/cloudflare/d1-photo-repository.js';
import { D1UsageLedger } from '../../src/adapters/cloudflare/d1-usage-ledger.js';
import { QueuesThumbnailQueue } from '../../src/adapters/cloudflare/queues-thumbnail-queue.js';
import { R2BlobStore } from '../../src/adapters/cloudflare/r2-blob-store.js';
import { R2MultipartUploads } from '../../src/adapters/cloudflare/r2-multipart-uploads.js';
import { HmacUrlSigner } from '../../src/adapters/crypto/hmac-url-signer.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import type { ThumbnailJob } from '../../src/application/ports/thumbnail-queue.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import { blobStoreContract } from '../contract/blob-store.contract.js';
import { multipartUploadsContract } from '../contract/multipart-uploads.contract.js';
import { photoRepositoryContract } from '../contract/photo-repository.contract.js';
import { thumbnailQueueContract } from '../contract/thumbnail-queue.contract.js';
import { usageLedgerContract } from '../contract/usage-ledger.contract.js';
import { pendingPhoto, uniqueOwner } from '../support/fixtures.js';
import { eventually, recorded } from './support.js';

blobStoreContract('R2BlobStore (workerd)', () => new R2BlobStore(env.PHOTOS));

photoRepositoryContract('D1PhotoRepository (workerd)', () => new D1PhotoRepository(env.DB));

usageLedgerContract('D1UsageLedger (workerd)', () => new D1UsageLedger(env.DB), { runs: 20 });

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

// Parts go through the Worker's own /files part route (SELF), which shares these bindings:
// a signer with the Worker's secret signs URLs it takes.
multipartUploadsContract('R2MultipartUploads (workerd, parts recorded in D1)', async () => {
  const signer = new HmacUrlSigner(
    { secret: String(env.URL_SIGNING_SECRET), baseUrl: '/files' },
    new SystemClock(),
  );
  const blobs = new R2BlobStore(env.PHOTOS);
  const photos = new D1PhotoRepository(env.DB);
  return {
    uploads: new R2MultipartUploads(env.PHOTOS, env.DB, signer),
    send: (part, body) =>
      SELF.fetch(new URL(part.url, 'http://pixport.test').toString(), {
        method: 'PUT',
        headers: { ...part.headers },
        body: body as Uint8Array<ArrayBuffer>,
      }),
    read: async (key) => (await blobs.get(key))?.bytes,
    key: async () => {
      const photo = pendingPhoto(uniqueOwner('r2-multipart'));
      await photos.save(photo);
      return StorageKeys.original(photo.ownerId, photo.id);
    },
    partSize: 5 * 1024 * 1024,
  };
});
