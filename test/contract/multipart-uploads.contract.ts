import { describe, expect, it } from 'vitest';
import type { MultipartUploads, SignedPart } from '../../src/application/ports/multipart-uploads.js';
import { patternBytes } from '../support/fixtures.js';

/** What the MultipartUploads contract needs of one adapter. */
export interface MultipartHarness {
  readonly uploads: MultipartUploads;
  /** PUTs a part to its signed URL as a browser does (through S3, or the app's `/files` part route). */
  readonly send: (part: SignedPart, body: Uint8Array) => Response | Promise<Response>;
  /** The stored object's bytes, or undefined when there is none. */
  readonly read: (key: string) => Promise<Uint8Array | undefined>;
  /**
   * A fresh key to upload to. Storage takes any key; the `/files` part route
   * takes parts only for the original of a registered, pending photo.
   */
  readonly key: () => Promise<string>;
  /** Size of the parts but the last: S3 and R2 refuse less than 5 MiB. */
  readonly partSize: number;
}

const concat = (parts: readonly Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
};

/**
 * The MultipartUploads contract: the memory store behind the `/files` routes,
 * S3 (through the emulator and its gate) and R2 (in workerd) must all pass it.
 */
export function multipartUploadsContract(name: string, make: () => Promise<MultipartHarness>): void {
  describe(`MultipartUploads contract: ${name}`, () => {
    it('takes parts in any order, lists them with the ETags their PUTs answered, and joins them in order', async () => {
      const { uploads, send, read, key: newKey, partSize } = await make();
      const key = await newKey();
      const id = await uploads.create(key, { contentType: 'image/jpeg' });
      expect(await uploads.listParts(key, id)).toEqual([]);
      const bodies = [patternBytes(partSize, 1), patternBytes(partSize, 2), patternBytes(1000, 3)];
      const etags = new Map<number, string>();
      for (const n of [3, 1, 2]) {
        const body = bodies[n - 1] as Uint8Array;
        const part = await uploads.signPart(key, id, n, body.byteLength);
        expect(part.partNumber).toBe(n);
        expect(Date.parse(part.expiresAt)).toBeGreaterThan(Date.now());
        const res = await send(part, body);
        expect(res.status).toBe(200);
        const etag = res.headers.get('etag');
        expect(etag).toMatch(/^"[^"]+"$/);
        etags.set(n, etag as string);
      }
      expect(await uploads.listParts(key, id)).toEqual(
        [1, 2, 3].map((n) => ({ partNumber: n, etag: etags.get(n), size: bodies[n - 1]?.byteLength })),
      );

      await uploads.complete(
        key,
        id,
        [1, 2, 3].map((n) => ({ partNumber: n, etag: etags.get(n) as string })),
      );
      expect(await read(key)).toEqual(concat(bodies));
      expect(await uploads.listParts(key, id)).toBeUndefined();
    });

    it('takes exactly the signed size of a part, and keeps nothing of a refused one', async () => {
      const { uploads, send, key: newKey } = await make();
      const key = await newKey();
      const id = await uploads.create(key, { contentType: 'image/png' });
      const part = await uploads.signPart(key, id, 1, 1000);
      for (const size of [1001, 999]) {
        const res = await send(part, patternBytes(size));
        expect(res.status, `${size} bytes`).toBeGreaterThanOrEqual(400);
      }
      expect(await uploads.listParts(key, id)).toEqual([]);
      await uploads.abort(key, id);
    });

    it('replaces a part sent again', async () => {
      const { uploads, send, key: newKey } = await make();
      const key = await newKey();
      const id = await uploads.create(key, { contentType: 'image/png' });
      const part = await uploads.signPart(key, id, 1, 1000);
      const first = (await send(part, patternBytes(1000, 1))).headers.get('etag');
      const second = (await send(part, patternBytes(1000, 2))).headers.get('etag');
      expect(second).not.toBe(first);
      expect(await uploads.listParts(key, id)).toEqual([{ partNumber: 1, etag: second, size: 1000 }]);
      await uploads.abort(key, id);
    });

    it('aborts an upload with its parts, leaves no object, and aborting again is harmless', async () => {
      const { uploads, send, read, key: newKey } = await make();
      const key = await newKey();
      const id = await uploads.create(key, { contentType: 'image/png' });
      expect((await send(await uploads.signPart(key, id, 1, 500), patternBytes(500))).status).toBe(200);
      await uploads.abort(key, id);
      expect(await uploads.listParts(key, id)).toBeUndefined();
      expect(await read(key)).toBeUndefined();
      await uploads.abort(key, id);
      // A part sent after the abort finds no upload.
      const late = await send(await uploads.signPart(key, id, 2, 500), patternBytes(500));
      expect(late.status).toBeGreaterThanOrEqual(400);
      expect(await read(key)).toBeUndefined();
    });

    it('knows an upload only under its own key', async () => {
      const { uploads, key: newKey } = await make();
      const key = await newKey();
      const other = await newKey();
      const id = await uploads.create(key, { contentType: 'image/png' });
      expect(await uploads.listParts(other, id)).toBeUndefined();
      expect(await uploads.listParts(key, `${id}x`)).toBeUndefined();
      await uploads.abort(key, id);
    });
  });
}
