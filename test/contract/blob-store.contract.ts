import { describe, expect, it } from 'vitest';
import type { BlobStore } from '../../src/application/ports/blob-store.js';
import { patternBytes, uniqueOwner } from '../support/fixtures.js';

/**
 * The BlobStore contract: every adapter (memory, S3, R2) must pass it.
 * `make` returns a store whose keys may be shared with other tests: each test
 * works under its own prefix.
 */
export function blobStoreContract(name: string, make: () => BlobStore | Promise<BlobStore>): void {
  describe(`BlobStore contract: ${name}`, () => {
    const prefix = () => `originals/${uniqueOwner('blob')}`;

    it('returns the bytes and type that were put', async () => {
      const store = await make();
      const key = `${prefix()}/a`;
      const bytes = patternBytes(70_000);
      await store.put(key, bytes, { contentType: 'image/png' });
      const got = await store.get(key);
      expect(got?.size).toBe(70_000);
      expect(got?.contentType).toBe('image/png');
      expect(got && Buffer.from(got.bytes).equals(Buffer.from(bytes))).toBe(true);
    });

    it('heads an object without reading it, and reports none for a missing key', async () => {
      const store = await make();
      const key = `${prefix()}/b`;
      expect(await store.head(key)).toBeUndefined();
      expect(await store.get(key)).toBeUndefined();
      await store.put(key, patternBytes(123), { contentType: 'image/webp' });
      expect(await store.head(key)).toMatchObject({ size: 123, contentType: 'image/webp' });
    });

    it('reads a range of bytes, cut short where the object ends, and none of a missing key', async () => {
      const store = await make();
      const key = `${prefix()}/range`;
      const bytes = patternBytes(70_000, 5);
      expect(await store.getRange(key, 0, 10)).toBeUndefined();
      await store.put(key, bytes, { contentType: 'video/mp4' });
      const middle = await store.getRange(key, 1000, 1512);
      expect(middle && Buffer.from(middle).equals(Buffer.from(bytes.subarray(1000, 1512)))).toBe(true);
      expect((await store.getRange(key, 0, 1))?.[0]).toBe(bytes[0]);
      const tail = await store.getRange(key, 69_990, 80_000);
      expect(tail && Buffer.from(tail).equals(Buffer.from(bytes.subarray(69_990)))).toBe(true);
    });

    it('replaces an object put twice under one key', async () => {
      const store = await make();
      const key = `${prefix()}/c`;
      await store.put(key, patternBytes(10, 1), { contentType: 'image/png' });
      await store.put(key, patternBytes(20, 2), { contentType: 'image/jpeg' });
      const got = await store.get(key);
      expect(got?.size).toBe(20);
      expect(got?.contentType).toBe('image/jpeg');
      expect(got?.bytes[1]).toBe(patternBytes(20, 2)[1]);
    });

    it('stores empty objects', async () => {
      const store = await make();
      const key = `${prefix()}/empty`;
      await store.put(key, new Uint8Array(0), { contentType: 'application/octet-stream' });
      expect((await store.head(key))?.size).toBe(0);
      expect((await store.get(key))?.bytes.byteLength).toBe(0);
    });

    it('deletes many keys at once, missing ones included, and leaves the rest', async () => {
      const store = await make();
      const p = prefix();
      for (const k of ['x', 'y', 'z'])
        await store.put(`${p}/${k}`, patternBytes(5), { contentType: 'image/png' });
      await store.deleteMany([`${p}/x`, `${p}/y`, `${p}/never-was`]);
      expect(await store.head(`${p}/x`)).toBeUndefined();
      expect(await store.head(`${p}/y`)).toBeUndefined();
      expect(await store.head(`${p}/z`)).toBeDefined();
      await store.deleteMany([]);
    });

    it('keeps keys with unusual owner characters apart', async () => {
      const store = await make();
      const a = 'originals/auth0|a+b=c@d:e/k';
      const b = 'originals/auth0|a b=c@d:e/k';
      await store.put(a, patternBytes(3, 3), { contentType: 'image/png' });
      expect(await store.head(b)).toBeUndefined();
      expect((await store.get(a))?.bytes[0]).toBe(patternBytes(3, 3)[0]);
      await store.deleteMany([a]);
    });
  });
}
