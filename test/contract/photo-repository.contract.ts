import { describe, expect, it } from 'vitest';
import type { PhotoRepository } from '../../src/application/ports/photo-repository.js';
import { VersionConflictError } from '../../src/domain/errors.js';
import type { OwnerId } from '../../src/domain/owner-id.js';
import type { MultipartUpload } from '../../src/domain/pending-upload.js';
import { Photo } from '../../src/domain/photo.js';
import { pendingPhoto, photoIdAt, uniqueOwner } from '../support/fixtures.js';

/** A pending photo of `owner` whose upload is purged at `purgeAt` (and expired a day before). */
function withUpload(owner: OwnerId, purgeAt: string, multipart?: MultipartUpload): Photo {
  const photo = pendingPhoto(owner);
  const expiresAt = new Date(Date.parse(purgeAt) - 24 * 3600 * 1000).toISOString();
  return { ...photo, upload: { expiresAt, purgeAt, ...(multipart ? { multipart } : {}) } };
}

/** A processing photo of `owner` with these labels recorded by an analysis. */
async function labelled(
  repo: PhotoRepository,
  owner: OwnerId,
  id: Photo['id'],
  names: string[],
): Promise<Photo> {
  const pending = pendingPhoto(owner, id);
  await repo.save(pending);
  const processing = Photo.startProcessing(pending, 5000, new Date('2026-01-02T00:00:00Z'));
  await repo.save(processing);
  const analysed = Photo.recordAnalysis(
    processing,
    {
      labels: names.map((name, i) => ({ name, confidence: 99 - i, parents: [] })),
      moderation: { labels: [], modelVersion: '7.0' },
      judgement: { verdict: 'allow', labels: [] },
      block: false,
    },
    new Date('2026-01-02T00:00:01Z'),
  );
  expect((await repo.save(analysed)).ok).toBe(true);
  return analysed;
}

/** The PhotoRepository contract: memory, DynamoDB and D1 adapters must all pass it. */
export function photoRepositoryContract(
  name: string,
  make: () => PhotoRepository | Promise<PhotoRepository>,
): void {
  describe(`PhotoRepository contract: ${name}`, () => {
    it('saves a new photo and reads back an equal record', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const photo = pendingPhoto(owner);
      expect((await repo.save(photo)).ok).toBe(true);
      expect(await repo.get(owner, photo.id)).toEqual(photo);
    });

    it('round-trips every field of a ready photo', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const pending = pendingPhoto(owner);
      await repo.save(pending);
      const processing = Photo.startProcessing(pending, 5000, new Date('2026-01-02T00:00:00Z'));
      await repo.save(processing);
      const ready = Photo.markReady(
        processing,
        {
          contentType: 'image/png',
          width: 300,
          height: 400,
          renditions: [
            { preset: 'thumb', width: 256, height: 256, format: 'webp', bytes: 999, key: 'renditions/x' },
          ],
          placeholder: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw==',
          checksum: 'ab'.repeat(32),
        },
        new Date('2026-01-02T00:00:01Z'),
      );
      expect((await repo.save(ready)).ok).toBe(true);
      expect(await repo.get(owner, pending.id)).toEqual(ready);
    });

    it('round-trips every field of a ready video: kind, duration, plan, MP4 and poster', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const id = photoIdAt();
      const pending = Photo.register({
        id,
        ownerId: owner,
        filename: 'clip.mov',
        contentType: 'video/quicktime',
        size: 5000,
        now: new Date('2026-01-02T00:00:00Z'),
      });
      const processing = Photo.startProcessing(pending, 5000, new Date('2026-01-02T00:00:01Z'));
      const plan = { width: 1080, height: 1920, posterAtMs: 1500 };
      const facts = {
        contentType: 'video/quicktime' as const,
        width: 2160,
        height: 3840,
        durationMs: 15_016,
        plan,
      };
      const submitted = Photo.startTranscode(processing, facts, new Date('2026-01-02T00:00:02Z'));
      const ready = Photo.markVideoReady(
        submitted,
        {
          mp4: {
            key: `renditions/${owner}/${id}/video.mp4`,
            width: 1080,
            height: 1920,
            durationMs: 15_000,
            bytes: 9_000,
          },
          poster: { key: `renditions/${owner}/${id}/poster.jpg`, width: 1080, height: 1920, bytes: 700 },
          frames: [{ key: `renditions/${owner}/${id}/frame-1.jpg`, atMs: 3750, bytes: 650 }],
          renditions: [
            {
              preset: 'thumb',
              width: 256,
              height: 256,
              format: 'webp',
              bytes: 99,
              key: `renditions/${owner}/${id}/thumb.webp`,
            },
          ],
          placeholder: 'YJqGPQw7sFlslqhFafSE+Q6oJ1h2iHB2Rw==',
        },
        new Date('2026-01-02T00:00:09Z'),
      );
      for (const step of [pending, processing, submitted, ready])
        expect((await repo.save(step)).ok).toBe(true);
      expect(await repo.get(owner, id)).toEqual(ready);
      expect(ready).toMatchObject({ kind: 'video', durationMs: 15_000, width: 2160, height: 3840 });
      expect((await repo.listByOwner(owner, { limit: 5 })).items).toEqual([ready]);
    });

    it('refuses a write whose version does not follow the stored one', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const photo = pendingPhoto(owner);
      await repo.save(photo);
      const again = await repo.save(photo);
      expect(again.ok).toBe(false);
      if (!again.ok) expect(again.error).toBeInstanceOf(VersionConflictError);

      const next = Photo.startProcessing(photo, 1, new Date());
      expect((await repo.save(next)).ok).toBe(true);
      const stale = Photo.markFailed(photo, { code: 'x', message: 'y' }, new Date());
      expect(stale.version).toBe(next.version);
      expect((await repo.save(stale)).ok).toBe(false);
      expect((await repo.get(owner, photo.id))?.status).toBe('processing');
    });

    it('refuses an update of a record that does not exist', async () => {
      const repo = await make();
      const photo = Photo.startProcessing(pendingPhoto(uniqueOwner()), 1, new Date());
      expect((await repo.save(photo)).ok).toBe(false);
      expect(await repo.get(photo.ownerId, photo.id)).toBeUndefined();
    });

    it('deletes a record and hands back what it removed; a second delete finds nothing', async () => {
      const repo = await make();
      const photo = Photo.startProcessing(
        pendingPhoto(uniqueOwner()),
        4321,
        new Date('2026-01-02T00:00:00Z'),
      );
      await repo.save({ ...photo, version: 1 });
      expect(await repo.delete(photo.ownerId, photo.id)).toEqual({ ...photo, version: 1 });
      expect(await repo.get(photo.ownerId, photo.id)).toBeUndefined();
      expect(await repo.delete(photo.ownerId, photo.id)).toBeUndefined();
    });

    it('hands a record to exactly one of several concurrent deletes (whoever releases its quota)', async () => {
      const repo = await make();
      const photo = pendingPhoto(uniqueOwner());
      await repo.save(photo);
      const removed = await Promise.all(
        Array.from({ length: 5 }, () => repo.delete(photo.ownerId, photo.id)),
      );
      expect(removed.filter((r) => r !== undefined)).toEqual([photo]);
    });

    it('lets exactly one of two concurrent writers of the same version win', async () => {
      const repo = await make();
      const photo = pendingPhoto(uniqueOwner());
      await repo.save(photo);
      const a = Photo.startProcessing(photo, 1, new Date());
      const b = Photo.markFailed(photo, { code: 'x', message: 'y' }, new Date());
      const results = await Promise.all([repo.save(a), repo.save(b)]);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
    });

    it('hides one owner photos from another', async () => {
      const repo = await make();
      const alice = uniqueOwner('alice');
      const bob = uniqueOwner('bob');
      const photo = pendingPhoto(alice);
      await repo.save(photo);
      expect(await repo.get(bob, photo.id)).toBeUndefined();
      expect((await repo.listByOwner(bob, { limit: 10 })).items).toEqual([]);
    });

    it('lists newest first, page by page, with no gaps or repeats', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const ids = Array.from({ length: 7 }, (_, i) => photoIdAt(1_800_000_000_000 + i * 1000));
      // Saved out of order: the list must still come out newest first.
      for (const i of [3, 0, 6, 1, 5, 2, 4]) await repo.save(pendingPhoto(owner, ids[i]));
      const seen: string[] = [];
      let after: (typeof ids)[number] | undefined;
      for (let page = 0; page < 10; page++) {
        const result = await repo.listByOwner(owner, after ? { limit: 3, after } : { limit: 3 });
        seen.push(...result.items.map((p) => p.id));
        if (!result.last) break;
        after = result.last;
      }
      expect(seen).toEqual([...ids].reverse());
    });

    it('ends on a page with no `last` when the photos run out exactly', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      for (let i = 0; i < 4; i++) await repo.save(pendingPhoto(owner));
      const first = await repo.listByOwner(owner, { limit: 2 });
      expect(first.items).toHaveLength(2);
      expect(first.last).toBeDefined();
      const second = await repo.listByOwner(owner, {
        limit: 2,
        ...(first.last ? { after: first.last } : {}),
      });
      expect(second.items).toHaveLength(2);
      if (second.last) {
        // A store may not know that nothing follows; the page after must then be empty.
        expect((await repo.listByOwner(owner, { limit: 2, after: second.last })).items).toEqual([]);
      }
    });

    it('round-trips a pending upload (multipart id, expiry, purge time), and forgets it once the bytes land', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const photo = withUpload(owner, '2026-01-02T00:00:00.000Z', {
        uploadId: 'upload/+=id~with~odd~characters',
        partSize: 8 * 1024 * 1024,
        partCount: 7,
      });
      expect((await repo.save(photo)).ok).toBe(true);
      expect(await repo.get(owner, photo.id)).toEqual(photo);
      const resumed = Photo.extendUpload(
        photo,
        { ...(photo.upload as NonNullable<Photo['upload']>), expiresAt: '2026-01-01T01:00:00.000Z' },
        new Date('2026-01-01T00:30:00Z'),
      );
      expect((await repo.save(resumed)).ok).toBe(true);
      expect((await repo.get(owner, photo.id))?.upload?.expiresAt).toBe('2026-01-01T01:00:00.000Z');
      const landed = Photo.startProcessing(resumed, 1234, new Date('2026-01-01T00:40:00Z'));
      expect((await repo.save(landed)).ok).toBe(true);
      const stored = await repo.get(owner, photo.id);
      expect(stored).toEqual(landed);
      expect(stored && 'upload' in stored).toBe(false);
    });

    it('lists the pending photos of every owner whose purge time has come, and no others', async () => {
      const repo = await make();
      const [alice, bob] = [uniqueOwner('alice'), uniqueOwner('bob')];
      const due = [
        withUpload(alice, '2026-01-01T00:00:00.000Z'),
        withUpload(bob, '2026-01-01T00:00:01.000Z', { uploadId: 'u1', partSize: 5_242_880, partCount: 2 }),
      ];
      const later = withUpload(alice, '2026-03-01T00:00:00.000Z');
      const landed = Photo.startProcessing(withUpload(bob, '2026-01-01T00:00:00.000Z'), 10, new Date());
      const legacy = pendingPhoto(alice);
      for (const photo of [...due, later, legacy]) await repo.save(photo);
      await repo.save({ ...landed, version: 1 });

      const now = new Date('2026-02-01T00:00:00Z');
      const ours = new Set([alice, bob] as string[]);
      const found = (await repo.listPurgeable(now, 1000)).filter((p) => ours.has(p.ownerId));
      expect(found.map((p) => p.id).sort()).toEqual(due.map((p) => p.id).sort());
      expect(found.find((p) => p.id === due[1]?.id)).toEqual(due[1]);
      expect(await repo.listPurgeable(now, 1)).toHaveLength(1);
      expect(
        (await repo.listPurgeable(new Date('2025-12-31T23:59:00Z'), 1000)).filter((p) => ours.has(p.ownerId)),
      ).toEqual([]);
    });

    it('deletes a record, and deleting it again is fine', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const photo = pendingPhoto(owner);
      await repo.save(photo);
      await repo.delete(owner, photo.id);
      expect(await repo.get(owner, photo.id)).toBeUndefined();
      await repo.delete(owner, photo.id);
      expect((await repo.listByOwner(owner, { limit: 5 })).items).toEqual([]);
    });

    it("lists an owner's photos by label, any case, newest first, in pages, and never another owner's", async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const other = uniqueOwner();
      const saved: Photo[] = [];
      for (const [i, names] of [['Dog', 'Animal'], ['Mountain'], ['Dog'], ['dog', 'Pet']].entries()) {
        saved.push(await labelled(repo, owner, photoIdAt(Date.UTC(2026, 0, 1, 0, 0, i)), names));
      }
      await labelled(repo, other, photoIdAt(Date.UTC(2026, 0, 1, 0, 0, 9)), ['Dog']);
      const dogs = [saved[3], saved[2], saved[0]].map((p) => p?.id);

      const all = await repo.listByLabel(owner, 'DOG', { limit: 10 });
      expect(all.items.map((p) => p.id)).toEqual(dogs);
      expect(all.items[0]).toEqual(saved[3]);

      const seen: string[] = [];
      let after: Photo['id'] | undefined;
      for (let page = 0; page < 5; page++) {
        const got = await repo.listByLabel(owner, 'dog', after ? { limit: 2, after } : { limit: 2 });
        seen.push(...got.items.map((p) => p.id));
        if (!got.last) break;
        after = got.last;
      }
      expect(seen).toEqual(dogs);
      expect((await repo.listByLabel(owner, 'Cat', { limit: 10 })).items).toEqual([]);
      // The index stays out of the owner's gallery.
      expect((await repo.listByOwner(owner, { limit: 10 })).items).toHaveLength(4);
    });

    it('leaves a deleted photo out of its labels', async () => {
      const repo = await make();
      const owner = uniqueOwner();
      const photo = await labelled(repo, owner, photoIdAt(), ['Dog']);
      await repo.delete(owner, photo.id);
      expect((await repo.listByLabel(owner, 'Dog', { limit: 10 })).items).toEqual([]);
    });
  });
}
