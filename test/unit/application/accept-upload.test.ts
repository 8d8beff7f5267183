import { describe, expect, it } from 'vitest';
import { PhotoNotFoundError, UploadMissingError } from '../../../src/domain/errors.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { defaultVideoLimits } from '../../../src/domain/video-limits.js';
import { patternBytes, photoIdAt, uniqueOwner } from '../../support/fixtures.js';
import { expectErr, expectOk } from '../../support/results.js';
import { type UseCaseWorld, useCaseWorld } from '../../support/use-case-world.js';

/** Registers an upload of `declared` bytes and, unless `landed` is null, puts `landed` bytes as its original. */
async function registered(
  world: UseCaseWorld,
  owner: OwnerId,
  declared: number,
  landed: number | null = declared,
) {
  const { photo } = expectOk(
    await world.registerUpload.execute({
      ownerId: owner,
      filename: 'a.png',
      contentType: 'image/png',
      size: declared,
    }),
  );
  if (landed !== null) {
    await world.blobs.put(StorageKeys.original(owner, photo.id), patternBytes(landed), {
      contentType: 'image/png',
    });
  }
  return photo;
}

describe('AcceptUpload', () => {
  it('says a photo awaits its upload only while pending, and that a deleted or foreign one is not found', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await registered(world, owner, 100);
    const target = { ownerId: owner, photoId: photo.id };
    expect(expectOk(await world.acceptUpload.awaitsUpload(target))).toBe(true);
    expectOk(await world.acceptUpload.execute(target));
    expect(expectOk(await world.acceptUpload.awaitsUpload(target))).toBe(false);
    expectErr(
      await world.acceptUpload.awaitsUpload({ ownerId: uniqueOwner('bob'), photoId: photo.id }),
      PhotoNotFoundError,
    );
    expectOk(await world.deletePhoto.execute(target));
    expectErr(await world.acceptUpload.awaitsUpload(target), PhotoNotFoundError);
  });

  it('reports a photo that does not exist as not found', async () => {
    const world = useCaseWorld();
    const error = expectErr(
      await world.acceptUpload.execute({ ownerId: uniqueOwner(), photoId: photoIdAt() }),
      PhotoNotFoundError,
    );
    expect(error.code).toBe('photo-not-found');
    expect(world.queue.waiting).toEqual([]);
  });

  it("reports another owner's photo as not found and leaves it alone", async () => {
    const world = useCaseWorld();
    const alice = uniqueOwner('alice');
    const photo = await registered(world, alice, 100);
    expectErr(
      await world.acceptUpload.execute({ ownerId: uniqueOwner('bob'), photoId: photo.id }),
      PhotoNotFoundError,
    );
    expect(await world.photos.get(alice, photo.id)).toEqual(photo);
    expect(world.queue.waiting).toEqual([]);
  });

  it('refuses while the bytes have not landed, and the photo stays pending', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await registered(world, owner, 100, null);
    expectErr(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id }), UploadMissingError);
    expect(await world.photos.get(owner, photo.id)).toEqual(photo);
    expect(world.queue.waiting).toEqual([]);
  });

  it('marks the photo processing with the size that landed and queues one job', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await registered(world, owner, 100, 90);
    world.clock.advance(5000);

    const accepted = expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id }));

    expect(accepted).toMatchObject({
      status: 'processing',
      size: 90,
      version: photo.version + 1,
      updatedAt: world.clock.now().toISOString(),
    });
    expect(await world.photos.get(owner, photo.id)).toEqual(accepted);
    expect(world.queue.waiting).toEqual([{ ownerId: owner, photoId: photo.id }]);
  });

  it('accepts a repeated notification without changing the record', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await registered(world, owner, 100);
    const first = expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id }));
    world.clock.advance(1000);

    const second = expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id }));

    expect(second).toEqual(first);
    expect(await world.photos.get(owner, photo.id)).toEqual(first);
    // Re-queued on purpose (a lost enqueue must not strand the photo); every job is for this photo.
    expect(world.queue.waiting.length).toBeGreaterThanOrEqual(1);
    for (const job of world.queue.waiting) expect(job).toEqual({ ownerId: owner, photoId: photo.id });
  });

  it('accepts concurrent notifications once: one version step, one job', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await registered(world, owner, 100);

    const results = await Promise.all(
      Array.from({ length: 4 }, () => world.acceptUpload.execute({ ownerId: owner, photoId: photo.id })),
    );

    for (const r of results)
      expect(expectOk(r)).toMatchObject({ status: 'processing', version: photo.version + 1 });
    expect((await world.photos.get(owner, photo.id))?.version).toBe(photo.version + 1);
    expect(world.queue.waiting).toEqual([{ ownerId: owner, photoId: photo.id }]);
  });

  it('queues nothing when asked not to', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await registered(world, owner, 100);
    const accepted = expectOk(
      await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id, enqueue: false }),
    );
    expect(accepted.status).toBe('processing');
    expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id, enqueue: false }));
    expect(world.queue.waiting).toEqual([]);
  });

  it('fails a photo whose original is over the limit and deletes the original', async () => {
    const world = useCaseWorld({ limits: { maxOriginalBytes: 1000 } });
    const owner = uniqueOwner();
    // Declared within the limit, but more bytes landed than were declared.
    const photo = await registered(world, owner, 1000, 1001);

    const accepted = expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id }));

    expect(accepted.status).toBe('failed');
    expect(accepted.failure?.code).toBe('file-too-large');
    expect(await world.photos.get(owner, photo.id)).toEqual(accepted);
    expect(await world.blobs.head(StorageKeys.original(owner, photo.id))).toBeUndefined();
    expect(world.queue.waiting).toEqual([]);
  });

  it('accepts an original of exactly the limit', async () => {
    const world = useCaseWorld({ limits: { maxOriginalBytes: 1000 } });
    const owner = uniqueOwner();
    const photo = await registered(world, owner, 1000);
    expect(expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id })).status).toBe(
      'processing',
    );
  });

  it('holds a video to the video limit, not the photo one', async () => {
    const world = useCaseWorld({
      limits: { maxOriginalBytes: 1000, video: { ...defaultVideoLimits, maxBytes: 5000 } },
    });
    const owner = uniqueOwner();
    const register = async (size: number, landed: number) => {
      const { photo } = expectOk(
        await world.registerUpload.execute({
          ownerId: owner,
          filename: 'v.mp4',
          contentType: 'video/mp4',
          size,
        }),
      );
      await world.blobs.put(StorageKeys.original(owner, photo.id), patternBytes(landed), {
        contentType: 'video/mp4',
      });
      return expectOk(await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id }));
    };
    expect((await register(5000, 5000)).status).toBe('processing');
    const over = await register(5000, 5001);
    expect(over.failure).toMatchObject({
      code: 'file-too-large',
      message: '5001 bytes is over the limit of 5000 bytes',
    });
  });
});
