import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageLedger } from '../../src/application/ports/usage-ledger.js';
import { QuotaExceededError } from '../../src/domain/errors.js';
import type { OwnerQuota, Usage } from '../../src/domain/owner-usage.js';
import { uniqueOwner } from '../support/fixtures.js';

/** Options of {@link usageLedgerContract}. */
export interface UsageLedgerContractOptions {
  /** Runs of the property test (each a few rounds of concurrent writes); fewer against a slow store. */
  readonly runs?: number;
}

/**
 * The UsageLedger contract: memory (unit), DynamoDB (integration, dynalite) and D1
 * (workers) must all pass it. The concurrency test and the property race many
 * reservations of one owner at once: the quota must hold whatever the interleaving.
 */
export function usageLedgerContract(
  name: string,
  make: () => UsageLedger | Promise<UsageLedger>,
  options: UsageLedgerContractOptions = {},
): void {
  describe(`UsageLedger contract: ${name}`, () => {
    const one = (bytes: number): Usage => ({ photos: 1, bytes });

    it('starts every owner at zero', async () => {
      const ledger = await make();
      expect(await ledger.get(uniqueOwner())).toEqual({ photos: 0, bytes: 0 });
    });

    it('reserves without a limit, and adds up', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      expect(await ledger.reserve(owner, one(100), {})).toEqual({
        ok: true,
        value: { photos: 1, bytes: 100 },
      });
      expect(await ledger.reserve(owner, one(50), {})).toEqual({
        ok: true,
        value: { photos: 2, bytes: 150 },
      });
      expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 150 });
    });

    it('refuses the photo over the photo limit, and changes nothing', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const quota: OwnerQuota = { maxPhotos: 2 };
      expect((await ledger.reserve(owner, one(10), quota)).ok).toBe(true);
      expect((await ledger.reserve(owner, one(10), quota)).ok).toBe(true);
      const refused = await ledger.reserve(owner, one(10), quota);
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
      expect((await ledger.reserve(owner, one(600), quota)).ok).toBe(true);
      const over = await ledger.reserve(owner, one(401), quota);
      expect(over.ok).toBe(false);
      if (!over.ok) expect(over.error).toMatchObject({ limit: 'bytes', max: 1000, requestedBytes: 401 });
      expect(await ledger.reserve(owner, one(400), quota)).toEqual({
        ok: true,
        value: { photos: 2, bytes: 1000 },
      });
      const alone = await ledger.reserve(uniqueOwner(), one(1001), quota);
      expect(alone.ok).toBe(false);
      expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 1000 });
    });

    it('releases, never below zero, and a release makes room again', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const quota: OwnerQuota = { maxPhotos: 1 };
      expect((await ledger.reserve(owner, one(300), quota)).ok).toBe(true);
      expect((await ledger.reserve(owner, one(300), quota)).ok).toBe(false);
      await ledger.release(owner, one(300));
      expect(await ledger.get(owner)).toEqual({ photos: 0, bytes: 0 });
      expect((await ledger.reserve(owner, one(300), quota)).ok).toBe(true);
      // More than was counted (photos from before the ledger): floored at zero.
      await ledger.release(owner, { photos: 3, bytes: 5000 });
      expect(await ledger.get(owner)).toEqual({ photos: 0, bytes: 0 });
      // An owner never counted: nothing to release, and no error.
      await expect(ledger.release(uniqueOwner(), one(1))).resolves.toBeUndefined();
    });

    it('keeps each owner apart', async () => {
      const ledger = await make();
      const [alice, bob] = [uniqueOwner('alice'), uniqueOwner('bob')];
      await ledger.reserve(alice, one(5), { maxPhotos: 1 });
      expect((await ledger.reserve(bob, one(5), { maxPhotos: 1 })).ok).toBe(true);
      expect(await ledger.get(alice)).toEqual({ photos: 1, bytes: 5 });
    });

    it('lets exactly as many of 20 concurrent reservations through as the quota has room for', async () => {
      const ledger = await make();
      const owner = uniqueOwner();
      const results = await Promise.all(
        Array.from({ length: 20 }, () => ledger.reserve(owner, one(100), { maxPhotos: 7, maxBytes: 650 })),
      );
      // 6 fit the bytes (600 <= 650), the photo limit would take 7.
      expect(results.filter((r) => r.ok)).toHaveLength(6);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.limit === 'bytes')).toBe(true);
      expect(await ledger.get(owner)).toEqual({ photos: 6, bytes: 600 });
    });

    it('holds the quota, and counts exactly what it let through, under any mix of concurrent reservations and releases', async () => {
      const ledger = await make();
      const round = fc.array(fc.record({ bytes: fc.integer({ min: 1, max: 400 }), release: fc.boolean() }), {
        minLength: 1,
        maxLength: 12,
      });
      await fc.assert(
        fc.asyncProperty(
          fc.record({
            maxPhotos: fc.integer({ min: 1, max: 8 }),
            maxBytes: fc.integer({ min: 400, max: 2000 }),
          }),
          fc.array(round, { minLength: 1, maxLength: 3 }),
          async (quota, rounds) => {
            const owner = uniqueOwner('prop');
            const held: Usage[] = [];
            for (const ops of rounds) {
              // Each round: every reservation at once, and releases of what earlier rounds got.
              const releasing = ops
                .filter((op) => op.release)
                .map(() => held.pop())
                .filter((u) => u !== undefined);
              const [reserved] = await Promise.all([
                Promise.all(ops.map((op) => ledger.reserve(owner, one(op.bytes), quota))),
                Promise.all(releasing.map((u) => ledger.release(owner, u))),
              ]);
              ops.forEach((op, i) => {
                if (reserved[i]?.ok) held.push(one(op.bytes));
              });
              const usage = await ledger.get(owner);
              const expected = held.reduce(
                (sum, u) => ({ photos: sum.photos + 1, bytes: sum.bytes + u.bytes }),
                {
                  photos: 0,
                  bytes: 0,
                },
              );
              expect(usage).toEqual(expected);
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
