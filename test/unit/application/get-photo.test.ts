import { describe, expect, it } from 'vitest';
import { PhotoNotFoundError } from '../../../src/domain/errors.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { photoIdAt, uniqueOwner } from '../../support/fixtures.js';
import { expectErr, expectOk } from '../../support/results.js';
import { useCaseWorld } from '../../support/use-case-world.js';

const PNG = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4);

describe('GetPhoto', () => {
  it('returns the owner its photo with a signed URL of the original', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = expectOk(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'a.png', bytes: PNG }),
    );

    const got = expectOk(await world.getPhoto.execute({ ownerId: owner, photoId: photo.id }));

    expect(got.photo).toEqual(photo);
    expect(got.urls.renditions).toEqual({});
    const url = new URL(got.urls.original ?? '', 'http://x');
    const grant = expectOk(
      await world.signer.verify('GET', StorageKeys.original(owner, photo.id), url.searchParams),
    );
    expect(grant).toMatchObject({ downloadName: 'a.png', contentType: 'image/png' });
  });

  it('has no URLs for a photo whose bytes have not landed', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const { photo } = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'a.png',
        contentType: 'image/png',
        size: 5,
      }),
    );
    const got = expectOk(await world.getPhoto.execute({ ownerId: owner, photoId: photo.id }));
    expect(got.urls).toEqual({ renditions: {} });
  });

  it("reports another owner's photo as not found", async () => {
    const world = useCaseWorld();
    const alice = uniqueOwner('alice');
    const photo = expectOk(
      await world.uploadPhoto.execute({ ownerId: alice, filename: 'a.png', bytes: PNG }),
    );
    const error = expectErr(
      await world.getPhoto.execute({ ownerId: uniqueOwner('bob'), photoId: photo.id }),
      PhotoNotFoundError,
    );
    expect(error.photoId).toBe(photo.id);
  });

  it('reports a photo that never was as not found', async () => {
    const world = useCaseWorld();
    expectErr(
      await world.getPhoto.execute({ ownerId: uniqueOwner(), photoId: photoIdAt() }),
      PhotoNotFoundError,
    );
  });
});
