import { describe, expect, it } from 'vitest';
import { InvalidCursorError, InvalidInputError } from '../../../src/domain/errors.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { readyPhoto } from '../../support/ready-photo.js';
import { expectErr, expectOk } from '../../support/results.js';
import { type UseCaseWorld, useCaseWorld } from '../../support/use-case-world.js';

/** Registers `count` uploads a second apart; returns them oldest first. */
async function registerMany(world: UseCaseWorld, owner: OwnerId, count: number): Promise<Photo[]> {
  const photos: Photo[] = [];
  for (let i = 0; i < count; i++) {
    world.clock.advance(1000);
    const { photo } = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: `p${i}.jpg`,
        contentType: 'image/jpeg',
        size: 10,
      }),
    );
    photos.push(photo);
  }
  return photos;
}

const ids = (items: readonly { photo: Photo }[]) => items.map((i) => i.photo.id);

describe('ListGallery', () => {
  it("lists the owner's photos newest first, and only theirs", async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photos = await registerMany(world, owner, 5);
    await registerMany(world, uniqueOwner('other'), 2);

    const page = expectOk(await world.listGallery.execute({ ownerId: owner }));

    expect(ids(page.items)).toEqual(photos.map((p) => p.id).reverse());
    expect(page.nextCursor).toBeUndefined();
  });

  it('pages through every photo once, and the last page has no cursor', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photos = await registerMany(world, owner, 5);

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = expectOk(
        await world.listGallery.execute({ ownerId: owner, limit: 2, ...(cursor ? { cursor } : {}) }),
      );
      pages.push(ids(page.items));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 10);

    expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
    expect(pages.flat()).toEqual(photos.map((p) => p.id).reverse());
  });

  it('ends without a cursor when the photos fill the last page exactly', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    await registerMany(world, owner, 4);
    const first = expectOk(await world.listGallery.execute({ ownerId: owner, limit: 2 }));
    const second = expectOk(
      await world.listGallery.execute({ ownerId: owner, limit: 2, cursor: first.nextCursor ?? '' }),
    );
    expect(second.items).toHaveLength(2);
    expect(second.nextCursor).toBeUndefined();
  });

  it('returns 24 photos a page unless told otherwise', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    await registerMany(world, owner, 26);
    const first = expectOk(await world.listGallery.execute({ ownerId: owner }));
    expect(first.items).toHaveLength(24);
    expect(first.nextCursor).toBeDefined();
    const rest = expectOk(
      await world.listGallery.execute({ ownerId: owner, cursor: first.nextCursor ?? '' }),
    );
    expect(rest.items).toHaveLength(2);
  });

  it('returns an empty page for an owner with no photos', async () => {
    const world = useCaseWorld();
    expect(expectOk(await world.listGallery.execute({ ownerId: uniqueOwner() }))).toEqual({ items: [] });
  });

  it.each([1, 100])('accepts a limit of %d', async (limit) => {
    const world = useCaseWorld();
    expectOk(await world.listGallery.execute({ ownerId: uniqueOwner(), limit }));
  });

  it.each([0, 101, 1.5, -1, Number.NaN])(
    'rejects a limit of %d as invalid input on `limit`',
    async (limit) => {
      const world = useCaseWorld();
      const error = expectErr(
        await world.listGallery.execute({ ownerId: uniqueOwner(), limit }),
        InvalidInputError,
      );
      expect(error.field).toBe('limit');
    },
  );

  it("refuses another owner's cursor", async () => {
    const world = useCaseWorld();
    const alice = uniqueOwner('alice');
    const bob = uniqueOwner('bob');
    await registerMany(world, alice, 3);
    await registerMany(world, bob, 3);
    const cursor = expectOk(await world.listGallery.execute({ ownerId: alice, limit: 1 })).nextCursor ?? '';
    expect(cursor).not.toBe('');

    expectErr(await world.listGallery.execute({ ownerId: bob, cursor }), InvalidCursorError);
  });

  it('refuses a cursor that was altered, cut or made up', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    await registerMany(world, owner, 3);
    const cursor = expectOk(await world.listGallery.execute({ ownerId: owner, limit: 1 })).nextCursor ?? '';
    const [body = '', sum = ''] = cursor.split('.');
    const flip = (s: string, at: number) => s.slice(0, at) + (s[at] === 'A' ? 'B' : 'A') + s.slice(at + 1);

    for (const tampered of [
      `${flip(body, 10)}.${sum}`,
      `${body}.${flip(sum, 0)}`,
      cursor.slice(0, -3),
      body,
      `${cursor}.x`,
      'not-a-cursor',
      '',
    ]) {
      expectErr(await world.listGallery.execute({ ownerId: owner, cursor: tampered }), InvalidCursorError);
    }
  });

  it('signs every rendition and the original of a ready photo, nothing of a pending one', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const ready = await readyPhoto(world, owner, 'sunset.png');
    world.clock.advance(1000);
    const { photo: pending } = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'p.jpg',
        contentType: 'image/jpeg',
        size: 10,
      }),
    );

    const { items } = expectOk(await world.listGallery.execute({ ownerId: owner }));

    expect(ids(items)).toEqual([pending.id, ready.id]);
    expect(items[0]?.urls).toEqual({ renditions: {} });
    const urls = items[1]?.urls;
    expect(Object.keys(urls?.renditions ?? {}).sort()).toEqual(
      world.settings.presets.map((p) => p.name).sort(),
    );
    for (const r of ready.renditions) {
      const url = new URL(urls?.renditions[r.preset] ?? '', 'http://x');
      expectOk(await world.signer.verify('GET', r.key, url.searchParams));
    }
    const original = new URL(urls?.original ?? '', 'http://x');
    const grant = expectOk(
      await world.signer.verify('GET', StorageKeys.original(owner, ready.id), original.searchParams),
    );
    expect(grant).toMatchObject({ downloadName: 'sunset.png' });
  });
});
