import { fc, test } from '@fast-check/vitest';
import { ContainerModule } from 'inversify';
import { describe, expect, it } from 'vitest';
import { QuotaExceededError } from '../../../src/domain/errors.js';
import type { Limits } from '../../../src/domain/limits.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { TOKENS as T } from '../../../src/entrypoints/composition/tokens.js';
import { FailingBlobStore } from '../../support/failing-blob-store.js';
import { patternBytes, uniqueOwner } from '../../support/fixtures.js';
import { expectErr, expectOk } from '../../support/results.js';
import { uploadWorld } from './upload-world.js';

const PNG = (() => {
  const bytes = new Uint8Array(64).fill(0x2a);
  bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return bytes;
})();

const withQuota = (ownerQuota: Limits['ownerQuota']) => {
  const world = uploadWorld({ ownerQuota });
  return { ...world, usage: world.container.get(T.UsageLedger) };
};

const registerJpeg = (world: ReturnType<typeof withQuota>, ownerId: OwnerId, size: number) =>
  world.registerUpload.execute({ ownerId, filename: 'a.jpg', contentType: 'image/jpeg', size });

describe('the per-owner quota', () => {
  it('is off by default: registering counts, but nothing is refused', async () => {
    const world = withQuota(undefined);
    const owner = uniqueOwner();
    for (let i = 0; i < 20; i++) expectOk(await registerJpeg(world, owner, 10_000));
    expect(await world.usage.get(owner)).toEqual({ photos: 20, bytes: 200_000 });
  });

  it('refuses the photo over the photo limit, before anything is recorded or signed', async () => {
    const world = withQuota({ maxPhotos: 2 });
    const owner = uniqueOwner();
    expectOk(await registerJpeg(world, owner, 10));
    expectOk(await registerJpeg(world, owner, 2000)); // multipart: an upload in storage
    const error = expectErr(await registerJpeg(world, owner, 10), QuotaExceededError);
    expect(error).toMatchObject({ code: 'quota-exceeded', limit: 'photos', max: 2 });
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toHaveLength(2);
    expect(await world.usage.get(owner)).toEqual({ photos: 2, bytes: 2010 });
  });

  it('refuses bytes that do not fit in what is left, and a direct upload too', async () => {
    const world = withQuota({ maxBytes: 100 });
    const owner = uniqueOwner();
    expectOk(await registerJpeg(world, owner, 60));
    expect(expectErr(await registerJpeg(world, owner, 41), QuotaExceededError).limit).toBe('bytes');
    const direct = world.container.get(T.UploadPhoto);
    expectErr(await direct.execute({ ownerId: owner, filename: 'a.png', bytes: PNG }), QuotaExceededError);
    expect(world.blobs.keys()).toEqual([]);
    expectOk(await registerJpeg(world, owner, 40));
  });

  it('releases a photo when it is deleted, an upload when it is aborted, and a stale one when it is swept', async () => {
    const world = withQuota({ maxPhotos: 3 });
    const owner = uniqueOwner();
    const deleted = expectOk(await registerJpeg(world, owner, 10)).photo;
    const aborted = expectOk(await registerJpeg(world, owner, 2000)).photo;
    const stale = expectOk(await registerJpeg(world, owner, 30)).photo;
    expectErr(await registerJpeg(world, owner, 1), QuotaExceededError);

    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: deleted.id }));
    expect(await world.usage.get(owner)).toEqual({ photos: 2, bytes: 2030 });
    expectOk(await world.abortUpload.execute({ ownerId: owner, photoId: aborted.id }));
    expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 30 });
    world.clock.advance(24 * 3600_000);
    expect(await world.sweep.execute()).toEqual({ deleted: 1 });
    expect(await world.photos.get(owner, stale.id)).toBeUndefined();
    expect(await world.usage.get(owner)).toEqual({ photos: 0, bytes: 0 });
    for (let i = 0; i < 3; i++) expectOk(await registerJpeg(world, owner, 1));
  });

  it('releases once however often a photo is deleted at the same time', async () => {
    const world = withQuota({ maxPhotos: 5 });
    const owner = uniqueOwner();
    const kept = expectOk(await registerJpeg(world, owner, 7)).photo;
    const photo = expectOk(await registerJpeg(world, owner, 10)).photo;
    await Promise.all(
      Array.from({ length: 4 }, () => world.deletePhoto.execute({ ownerId: owner, photoId: photo.id })),
    );
    expect(await world.usage.get(owner)).toEqual({ photos: 1, bytes: 7 });
    expect(await world.photos.get(owner, kept.id)).toBeDefined();
  });

  it('keeps counting a photo once its upload is accepted, until it is deleted', async () => {
    const world = withQuota({ maxPhotos: 1 });
    const owner = uniqueOwner();
    const photo = expectOk(await registerJpeg(world, owner, 10)).photo;
    await world.blobs.put(StorageKeys.original(owner, photo.id), patternBytes(10), {
      contentType: 'image/jpeg',
    });
    expect(expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id })).status).toBe(
      'processing',
    );
    world.clock.advance(30 * 24 * 3600_000);
    await world.sweep.execute();
    expectErr(await registerJpeg(world, owner, 1), QuotaExceededError);
    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: photo.id }));
    expectOk(await registerJpeg(world, owner, 1));
  });

  it('releases a direct upload whose bytes could not be stored', async () => {
    const world = uploadWorld({ ownerQuota: { maxPhotos: 1 } });
    // Around the world's own store, which the use cases resolved before the rebind still use.
    const failing = new FailingBlobStore(world.blobs);
    world.container.load(
      new ContainerModule(({ rebind }) => {
        rebind(T.BlobStore).toConstantValue(failing);
      }),
    );
    const uploadPhoto = world.container.get(T.UploadPhoto);
    const usage = world.container.get(T.UsageLedger);
    const owner = uniqueOwner();
    failing.failNextPuts(1);
    await expect(uploadPhoto.execute({ ownerId: owner, filename: 'a.png', bytes: PNG })).rejects.toThrow();
    expect(await usage.get(owner)).toEqual({ photos: 0, bytes: 0 });
    expect((await world.photos.listByOwner(owner, { limit: 5 })).items).toEqual([]);
    expectOk(await uploadPhoto.execute({ ownerId: owner, filename: 'a.png', bytes: PNG }));
  });

  test.prop([fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 15 })], { numRuns: 30 })(
    'lets exactly as many concurrent uploads of one owner through as the quota has room for',
    async (maxPhotos, uploads) => {
      const world = withQuota({ maxPhotos });
      const owner = uniqueOwner();
      const results = await Promise.all(
        Array.from({ length: uploads }, (_, i) => registerJpeg(world, owner, i % 2 === 0 ? 10 : 2000)),
      );
      const accepted = results.filter((r) => r.ok).length;
      expect(accepted).toBe(Math.min(maxPhotos, uploads));
      expect((await world.photos.listByOwner(owner, { limit: 50 })).items).toHaveLength(accepted);
      expect((await world.usage.get(owner)).photos).toBe(accepted);
    },
  );
});
