import { describe, expect, it } from 'vitest';
import { PhotoNotFoundError } from '../../../src/domain/errors.js';
import { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { patternBytes, photoIdAt, uniqueOwner } from '../../support/fixtures.js';
import { readyPhoto } from '../../support/ready-photo.js';
import { expectErr, expectOk } from '../../support/results.js';
import { useCaseWorld } from '../../support/use-case-world.js';

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4);

describe('DeletePhoto', () => {
  it('removes the original, every rendition and the record', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await readyPhoto(world, owner);
    const kept = await readyPhoto(world, owner);
    expect(world.blobs.keys(`renditions/${owner}/${photo.id}/`)).toHaveLength(3);

    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: photo.id }));

    expect(world.blobs.keys().filter((k) => k.includes(photo.id))).toEqual([]);
    expect(await world.photos.get(owner, photo.id)).toBeUndefined();
    // The owner's other photo is untouched.
    expect(world.blobs.keys().filter((k) => k.includes(kept.id))).toHaveLength(4);
    expect(await world.photos.get(owner, kept.id)).toEqual(kept);
  });

  it('answers not found the second time, and changes nothing', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = await readyPhoto(world, owner);
    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: photo.id }));
    expectErr(await world.deletePhoto.execute({ ownerId: owner, photoId: photo.id }), PhotoNotFoundError);
    expect(world.blobs.keys()).toEqual([]);
  });

  it("refuses another owner's photo as not found and leaves it whole", async () => {
    const world = useCaseWorld();
    const alice = uniqueOwner('alice');
    const photo = await readyPhoto(world, alice);
    const before = world.blobs.keys();
    expectErr(
      await world.deletePhoto.execute({ ownerId: uniqueOwner('bob'), photoId: photo.id }),
      PhotoNotFoundError,
    );
    expect(world.blobs.keys()).toEqual(before);
    expect(await world.photos.get(alice, photo.id)).toEqual(photo);
  });

  it('reports a photo that never was as not found', async () => {
    const world = useCaseWorld();
    expectErr(
      await world.deletePhoto.execute({ ownerId: uniqueOwner(), photoId: photoIdAt() }),
      PhotoNotFoundError,
    );
  });

  it('removes renditions a crashed job stored but never recorded', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = expectOk(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'a.png', bytes: PNG }),
    );
    // A worker stored every rendition, then died before saving the record.
    for (const p of world.settings.presets) {
      await world.blobs.put(
        StorageKeys.rendition(owner, photo.id, p.name, world.settings.format),
        patternBytes(9),
        {
          contentType: 'image/webp',
        },
      );
    }
    expect((await world.photos.get(owner, photo.id))?.renditions).toEqual([]);

    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: photo.id }));

    expect(world.blobs.keys().filter((k) => k.includes(photo.id))).toEqual([]);
    expect(await world.photos.get(owner, photo.id)).toBeUndefined();
  });

  it('deletes a photo whose upload never landed, and a failed one', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const { photo: pending } = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'a.png',
        contentType: 'image/png',
        size: 5,
      }),
    );
    const processing = expectOk(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'b.png', bytes: PNG }),
    );
    expectOk(
      await world.photos.save(
        Photo.markFailed(processing, { code: 'corrupt-image', message: 'x' }, world.clock.now()),
      ),
    );

    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: pending.id }));
    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: processing.id }));

    expect(world.blobs.keys()).toEqual([]);
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
  });

  it("removes a video's original, MP4, poster and the poster's renditions", async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const { photo: video } = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'v.mp4',
        contentType: 'video/mp4',
        size: 9,
      }),
    );
    // What the transcoder and the video consumer store, whether or not the record says so yet.
    const keys = [
      StorageKeys.original(owner, video.id),
      StorageKeys.videoMp4(owner, video.id),
      StorageKeys.videoPoster(owner, video.id),
      ...world.settings.presets.map((p) =>
        StorageKeys.rendition(owner, video.id, p.name, world.settings.format),
      ),
    ];
    for (const key of keys)
      await world.blobs.put(key, patternBytes(9), { contentType: 'application/octet-stream' });

    expectOk(await world.deletePhoto.execute({ ownerId: owner, photoId: video.id }));

    expect(world.blobs.keys()).toEqual([]);
    expect(await world.photos.get(owner, video.id)).toBeUndefined();
  });
});
