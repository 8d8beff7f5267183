import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageLedger } from '../../src/application/ports/usage-ledger.js';
import { QuotaExceededError } from '../../src/domain/errors.js';
import type { OwnerQuota, Usage } from '../../src/domain/owner-usage.js';
import type { PhotoId } from '../../src/domain/photo-id.js';
import { photoIdAt, uniqueOwner } from '../support/fixtures.js';

/** Options of {@link usageLedgerContract}. */
export interface UsageLedgerContractOptions {
  /** Runs of the property test (each a few rounds of concurrent writes); fewer against a slow store. */
  readonly runs?: number;
}

/** The usage of photos of these sizes. */
const sum = (sizes: Iterable<number>): Usage => {
  let photos = 0;
  let bytes = 0;
  for (const b of sizes) {
    photos++;
    bytes += b;
  }
  return { photos, bytes };
};

/**
 * The UsageLedger contract: memory (unit), DynamoDB (integration, dynalite) and D1
 * (workers) must all pass it. The concurrency tests and the property race many
 * reservations and releases of one owner at once, retries of the same photo
 * among them: the quota must hold whatever the interleaving, and each photo
 * count exactly once from its reservation until its release.
 */
export function usageLedgerContract(
  name: string,
  make: () => UsageLedger | Promise<UsageLedger>,
  options: UsageLedgerContractOptions = {},
): void {
  describe(`UsageLedger contract: ${name}`, () => {
    it('starts every owner at zero', async () => {
      const ledger = await make();
      expect(await ledger.get(uniqueOwner())).toEqual({ photos: 0, bytes: 0 });
    });

    it('reserves without a limit, and adds up', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      expect(await ledger.reserve(owner, photoIdAt(), 100, {})).toEqual({
        ok: true,
        value: { photos: 1, bytes: 100 },
      });
      expect(await ledger.reserve(owner, photoIdAt(), 50, {})).toEqual({
        ok: true,
        value: { photos: 2, bytes: 150 },
      });
      expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 150 });
    });

    it('counts a photo reserved twice once, with the bytes of its first reservation', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const photo = photoIdAt();
      expect((await ledger.reserve(owner, photoIdAt(), 7, {})).ok).toBe(true);
      expect(await ledger.reserve(owner, photo, 100, {})).toEqual({
        ok: true,
        value: { photos: 2, bytes: 107 },
      });
      expect(await ledger.reserve(owner, photo, 100, {})).toEqual({
        ok: true,
        value: { photos: 2, bytes: 107 },
      });
      expect(await ledger.reserve(owner, photo, 999, {})).toEqual({
        ok: true,
        value: { photos: 2, bytes: 107 },
      });
      expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 107 });
    });

    it('accepts a photo reserved again once the quota is full, since it is counted already', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const quota: OwnerQuota = { maxPhotos: 2, maxBytes: 200 };
      const [first, second] = [photoIdAt(), photoIdAt()];
      expect((await ledger.reserve(owner, first, 100, quota)).ok).toBe(true);
      expect((await ledger.reserve(owner, second, 100, quota)).ok).toBe(true);
      expect(await ledger.reserve(owner, second, 100, quota)).toEqual({
        ok: true,
        value: { photos: 2, bytes: 200 },
      });
      expect((await ledger.reserve(owner, photoIdAt(), 1, quota)).ok).toBe(false);
      expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 200 });
    });

    it('refuses the photo over the photo limit, and changes nothing', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const quota: OwnerQuota = { maxPhotos: 2 };
      expect((await ledger.reserve(owner, photoIdAt(), 10, quota)).ok).toBe(true);
      expect((await ledger.reserve(owner, photoIdAt(), 10, quota)).ok).toBe(true);
      const refused = await ledger.reserve(owner, photoIdAt(), 10, quota);
      expect(refused.ok).toBe(false);
      if (!refused.ok) {
        expect(refused.error).toBeInstanceOf(QuotaExceededError);
        expect(refused.error).toMatchObject({ code: 'quota-exceeded', limit: 'photos', max: 2 });
        expect(refused.error.used).toEqual({ photos: 2, bytes: 20 });
      }
      expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 20 });
    });

    it('refuses bytes over the byte limit (exactly at it is fine), and an upload larger than the limit itself', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const quota: OwnerQuota = { maxBytes: 1000 };
      expect((await ledger.reserve(owner, photoIdAt(), 600, quota)).ok).toBe(true);
      const over = await ledger.reserve(owner, photoIdAt(), 401, quota);
      expect(over.ok).toBe(false);
      if (!over.ok) expect(over.error).toMatchObject({ limit: 'bytes', max: 1000, requestedBytes: 401 });
      expect(await ledger.reserve(owner, photoIdAt(), 400, quota)).toEqual({
        ok: true,
        value: { photos: 2, bytes: 1000 },
      });
      const alone = await ledger.reserve(uniqueOwner(), photoIdAt(), 1001, quota);
      expect(alone.ok).toBe(false);
      expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 1000 });
    });

    it('leaves nothing of a refused reservation: releasing it changes nothing, and it counts once reserved with room', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const quota: OwnerQuota = { maxPhotos: 1 };
      const [kept, refused] = [photoIdAt(), photoIdAt()];
      expect((await ledger.reserve(owner, kept, 30, quota)).ok).toBe(true);
      expect((await ledger.reserve(owner, refused, 50, quota)).ok).toBe(false);
      await ledger.release(owner, refused);
      expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 30 });
      await ledger.release(owner, kept);
      expect(await ledger.reserve(owner, refused, 50, quota)).toEqual({
        ok: true,
        value: { photos: 1, bytes: 50 },
      });
    });

    it('releases the bytes a photo was reserved with, and a release makes room again', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const quota: OwnerQuota = { maxPhotos: 1 };
      const photo = photoIdAt();
      expect((await ledger.reserve(owner, photo, 300, quota)).ok).toBe(true);
      expect((await ledger.reserve(owner, photoIdAt(), 300, quota)).ok).toBe(false);
      await ledger.release(owner, photo);
      expect(await ledger.get(owner)).toEqual({ photos: 0, bytes: 0 });
      expect((await ledger.reserve(owner, photoIdAt(), 300, quota)).ok).toBe(true);
    });

    it('releases a photo released twice once', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const [kept, photo] = [photoIdAt(), photoIdAt()];
      await ledger.reserve(owner, kept, 5, {});
      await ledger.reserve(owner, photo, 70, {});
      await ledger.release(owner, photo);
      await ledger.release(owner, photo);
      expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 5 });
    });

    it('changes nothing on the release of a photo it does not count, nor of an owner never counted', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      await ledger.reserve(owner, photoIdAt(), 40, {});
      await ledger.release(owner, photoIdAt());
      expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 40 });
      const stranger = uniqueOwner();
      await expect(ledger.release(stranger, photoIdAt())).resolves.toBeUndefined();
      expect(await ledger.get(stranger)).toEqual({ photos: 0, bytes: 0 });
    });

    it('keeps each owner apart, even for the same photo id', async () => {
      const ledger = await make();
      const [alice, bob] = [uniqueOwner('alice'), uniqueOwner('bob')];
      const photo = photoIdAt();
      await ledger.reserve(alice, photo, 5, { maxPhotos: 1 });
      expect((await ledger.reserve(bob, photo, 6, { maxPhotos: 1 })).ok).toBe(true);
      await ledger.release(bob, photo);
      expect(await ledger.get(alice)).toEqual({ photos: 1, bytes: 5 });
      expect(await ledger.get(bob)).toEqual({ photos: 0, bytes: 0 });
    });

    it('lets exactly as many of 20 concurrent reservations through as the quota has room for', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          ledger.reserve(owner, photoIdAt(), 100, { maxPhotos: 7, maxBytes: 650 }),
        ),
      );
      // 6 fit the bytes (600 <= 650), the photo limit would take 7.
      expect(results.filter((r) => r.ok)).toHaveLength(6);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.limit === 'bytes')).toBe(true);
      expect(await ledger.get(owner)).toEqual({ photos: 6, bytes: 600 });
    });

    it('counts a photo once however many reservations of it race, and releases it once however many releases do', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const photo = photoIdAt();
      const reserved = await Promise.all(
        Array.from({ length: 8 }, () => ledger.reserve(owner, photo, 90, {})),
      );
      expect(reserved.every((r) => r.ok)).toBe(true);
      expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 90 });
      await ledger.reserve(owner, photoIdAt(), 10, {});
      await Promise.all(Array.from({ length: 8 }, () => ledger.release(owner, photo)));
      expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 10 });
    });

    it('holds the quota, and counts exactly the photos it let through and has not released, under any mix of concurrent reservations, retries and releases', async () => {
      const ledger = await make();
      const op = fc.record({
        bytes: fc.integer({ min: 1, max: 400 }),
        // Reserved this many times at once (a retry races its first try).
        tries: fc.integer({ min: 1, max: 3 }),
        // Released in the next round, this many times at once.
        releases: fc.integer({ min: 0, max: 2 }),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            maxPhotos: fc.integer({ min: 1, max: 8 }),
            maxBytes: fc.integer({ min: 400, max: 2000 }),
          }),
          fc.array(fc.array(op, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 }),
          async (quota, rounds) => {
            const owner = uniqueOwner('prop');
            // What the ledger counts, by the model: photo id to bytes; and how often each goes next round.
            const held = new Map<PhotoId, number>();
            let releasing: { id: PhotoId; times: number }[] = [];
            for (const ops of rounds) {
              const fresh = ops.map((o) => ({ ...o, id: photoIdAt() }));
              // Photos held before the round and not released in it are reserved again too: each must be
              // accepted, whatever the quota (it is counted already).
              const again = [...held.keys()].filter((id) => !releasing.some((r) => r.id === id));
              const [reserved, retried] = await Promise.all([
                Promise.all(
                  fresh.map(async (o) => {
                    const results = await Promise.all(
                      Array.from({ length: o.tries }, () => ledger.reserve(owner, o.id, o.bytes, quota)),
                    );
                    return results.some((r) => r.ok);
                  }),
                ),
                Promise.all(again.map((id) => ledger.reserve(owner, id, held.get(id) ?? 0, quota))),
                Promise.all(
                  releasing.flatMap((r) =>
                    Array.from({ length: r.times }, () => ledger.release(owner, r.id)),
                  ),
                ),
              ]);
              expect(retried.every((r) => r.ok)).toBe(true);
              for (const r of releasing) held.delete(r.id);
              fresh.forEach((o, i) => {
                if (reserved[i]) held.set(o.id, o.bytes);
              });
              releasing = fresh
                .filter((o, i) => reserved[i] && o.releases > 0)
                .map((o) => ({ id: o.id, times: o.releases }));
              const usage = await ledger.get(owner);
              expect(usage).toEqual(sum(held.values()));
              expect(usage.photos).toBeLessThanOrEqual(quota.maxPhotos);
              expect(usage.bytes).toBeLessThanOrEqual(quota.maxBytes);
            }
          },
        ),
        { numRuns: options.runs ?? 50 },
      );
    });
  });
}
