import { describe, expect, it } from 'vitest';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { patternBytes, uniqueOwner } from '../../support/fixtures.js';
import { expectOk } from '../../support/results.js';
import { type UploadWorld, uploadWorld } from './upload-world.js';

const TTL_MS = 900_000;
const GRACE_MS = 3600_000;

const listed = async (world: UploadWorld, ownerId: OwnerId, limit?: number, cursor?: string) => {
  const page = expectOk(
    await world.listGallery.execute({
      ownerId,
      ...(limit ? { limit } : {}),
      ...(cursor ? { cursor } : {}),
    }),
  );
  return { ids: page.items.map((i) => i.photo.id), nextCursor: page.nextCursor };
};

describe('ListGallery and uploads that never completed', () => {
  it('hides a pending photo once its upload has expired, and shows it again when it is resumed', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const single = await world.register(owner, 10);
    const multipart = await world.register(owner, 1001);
    expect((await listed(world, owner)).ids).toEqual([multipart.id, single.id]);

    world.clock.advance(TTL_MS);
    expect((await listed(world, owner)).ids).toEqual([]);

    expectOk(await world.getUpload.execute({ ownerId: owner, photoId: multipart.id }));
    expect((await listed(world, owner)).ids).toEqual([multipart.id]);
  });

  it('keeps showing a pending photo whose bytes landed in time (S3 has yet to announce them)', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const photo = await world.register(owner, 10);
    await world.blobs.put(StorageKeys.original(owner, photo.id), patternBytes(10), {
      contentType: 'image/jpeg',
    });
    world.clock.advance(TTL_MS);
    expect((await listed(world, owner)).ids).toEqual([photo.id]);
  });

  it('keeps showing a photo whose upload completed, however old', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const photo = await world.register(owner, 1001);
    const parts = await world.putAllParts(photo);
    expectOk(await world.completeUpload.execute({ ownerId: owner, photoId: photo.id, parts }));
    world.clock.advance(30 * 24 * 3600_000);
    expect((await listed(world, owner)).ids).toEqual([photo.id]);
  });

  it('reads past hidden photos to fill a page, and pages on from the last photo looked at', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const shown: Photo[] = [];
    for (let i = 0; i < 5; i++) {
      shown.push(await world.register(owner, 10));
      world.clock.advance(1000);
    }
    // Completed uploads stay; six newer ones go stale.
    for (const photo of shown) {
      await world.blobs.put(StorageKeys.original(owner, photo.id), patternBytes(10), {
        contentType: 'image/jpeg',
      });
      expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id }));
    }
    for (let i = 0; i < 6; i++) await world.register(owner, 10);
    world.clock.advance(TTL_MS);

    const newestFirst = shown.map((p) => p.id).reverse();
    const first = await listed(world, owner, 2);
    expect(first.ids).toEqual(newestFirst.slice(0, 2));
    const second = await listed(world, owner, 2, first.nextCursor);
    expect(second.ids).toEqual(newestFirst.slice(2, 4));
    const third = await listed(world, owner, 2, second.nextCursor);
    expect(third).toEqual({ ids: newestFirst.slice(4), nextCursor: undefined });
  });
});

describe('SweepStaleUploads', () => {
  it('deletes a stale photo after the grace period, with its parts and any original that landed', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const multipart = await world.register(owner, 1001);
    await world.putPart(multipart, 1, patternBytes(400));
    const single = await world.register(owner, 10);
    await world.blobs.put(StorageKeys.original(owner, single.id), patternBytes(10), {
      contentType: 'image/jpeg',
    });

    world.clock.advance(TTL_MS + GRACE_MS - 1);
    expect(await world.sweep.execute()).toEqual({ deleted: 0 });
    world.clock.advance(1);
    expect(await world.sweep.execute()).toEqual({ deleted: 2 });
    expect(await world.photos.get(owner, multipart.id)).toBeUndefined();
    expect(await world.photos.get(owner, single.id)).toBeUndefined();
    expect(world.multipart.openUploads()).toEqual([]);
    expect(world.blobs.keys()).toEqual([]);
    expect(await world.sweep.execute()).toEqual({ deleted: 0 });
  });

  it('keeps uploads resumed in time, completed ones, and other owners’ fresh ones', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const resumed = await world.register(owner, 1001);
    const completed = await world.register(owner, 1001);
    const parts = await world.putAllParts(completed);
    expectOk(await world.completeUpload.execute({ ownerId: owner, photoId: completed.id, parts }));
    world.clock.advance(TTL_MS + GRACE_MS / 2);
    const fresh = await world.register(uniqueOwner('other'), 1001);
    expectOk(await world.signUploadParts.execute({ ownerId: owner, photoId: resumed.id, partNumbers: [1] }));
    world.clock.advance(GRACE_MS / 2);
    expect(await world.sweep.execute()).toEqual({ deleted: 0 });
    for (const photo of [resumed, completed, fresh]) {
      expect(await world.photos.get(photo.ownerId, photo.id)).toBeDefined();
    }
    expect(world.multipart.openUploads()).toHaveLength(2);
  });

  it('deletes at most `limit` photos a run, the longest due first', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const older = await world.register(owner, 10);
    world.clock.advance(1000);
    await world.register(owner, 10);
    world.clock.advance(TTL_MS + GRACE_MS);
    expect(await world.sweep.execute({ limit: 1 })).toEqual({ deleted: 1 });
    expect(await world.photos.get(owner, older.id)).toBeUndefined();
    expect(await world.sweep.execute({ limit: 1 })).toEqual({ deleted: 1 });
  });
});
