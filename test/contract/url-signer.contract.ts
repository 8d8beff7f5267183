import { describe, expect, it } from 'vitest';
import type { UrlSigner } from '../../src/application/ports/url-signer.js';

/**
 * The UrlSigner contract. `fetchSigned` performs a request against whatever
 * serves the signed URLs of this adapter (the app's /files routes, S3, R2),
 * and `seed` stores an object under a key first.
 */
export function urlSignerContract(
  name: string,
  make: () => Promise<{
    signer: UrlSigner;
    seed: (key: string, bytes: Uint8Array, contentType: string) => Promise<void>;
    read: (key: string) => Promise<Uint8Array | undefined>;
    fetchSigned: (url: string, init?: RequestInit) => Promise<Response>;
    /**
     * A key that the serving side takes uploads for. Storage takes any key; the
     * app's /files routes take only the original of a registered, pending photo.
     */
    uploadKey?: () => Promise<string>;
  }>,
): void {
  describe(`UrlSigner contract: ${name}`, () => {
    it('signs a GET that serves the object', async () => {
      const { signer, seed, fetchSigned } = await make();
      const key = `renditions/contract/${crypto.randomUUID()}/thumb.webp`;
      await seed(key, new Uint8Array([1, 2, 3, 4]), 'image/webp');
      const res = await fetchSigned(await signer.signGet(key));
      expect(res.status).toBe(200);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([1, 2, 3, 4]));
    });

    it('signs a batch of GETs in order, each serving its object, with its download name', async () => {
      const { signer, seed, fetchSigned } = await make();
      const keys = [1, 2, 3].map((n) => `renditions/contract/${crypto.randomUUID()}/${n}.webp`);
      for (const [i, key] of keys.entries()) await seed(key, new Uint8Array([i, i, i]), 'image/webp');
      const urls = await signer.signGets([
        { key: keys[0] as string },
        { key: keys[1] as string, downloadName: 'holiday.webp', contentType: 'image/webp' },
        { key: keys[2] as string },
      ]);
      expect(urls).toHaveLength(3);
      for (const [i, url] of urls.entries()) {
        const res = await fetchSigned(url);
        expect(res.status).toBe(200);
        expect(new Uint8Array(await res.arrayBuffer())).toEqual(new Uint8Array([i, i, i]));
        if (i === 1) expect(res.headers.get('content-disposition')).toContain('holiday.webp');
      }
      expect(await signer.signGets([])).toEqual([]);
    });

    it('rejects a GET whose URL was altered', async () => {
      const { signer, seed, fetchSigned } = await make();
      const key = `renditions/contract/${crypto.randomUUID()}/thumb.webp`;
      const other = `renditions/contract/${crypto.randomUUID()}/thumb.webp`;
      await seed(key, new Uint8Array([1]), 'image/webp');
      await seed(other, new Uint8Array([2]), 'image/webp');
      const url = await signer.signGet(key);
      const res = await fetchSigned(url.replace(key.split('/')[2] as string, other.split('/')[2] as string));
      expect([401, 403]).toContain(res.status);
    });

    it('signs an upload target that accepts the declared bytes', async () => {
      const { signer, read, fetchSigned, uploadKey } = await make();
      const key = uploadKey ? await uploadKey() : `originals/contract/${crypto.randomUUID()}`;
      const body = new Uint8Array(64).fill(9);
      const target = await signer.signUpload(key, { contentType: 'image/png', size: body.byteLength });
      expect(Date.parse(target.expiresAt)).toBeGreaterThan(Date.now());
      const res = await sendUpload(fetchSigned, target, body, 'image/png');
      expect(res.status).toBeLessThan(300);
      expect(await read(key)).toEqual(body);
    });

    it('refuses an upload of more bytes than were signed, and stores nothing', async () => {
      const { signer, read, fetchSigned, uploadKey } = await make();
      const key = uploadKey ? await uploadKey() : `originals/contract/${crypto.randomUUID()}`;
      const target = await signer.signUpload(key, { contentType: 'image/png', size: 10 });
      const res = await sendUpload(fetchSigned, target, new Uint8Array(11), 'image/png');
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(await read(key)).toBeUndefined();
    });
  });
}

/** Sends bytes to an upload target as a browser would: PUT with its headers, or POST with its fields. */
export async function sendUpload(
  fetchSigned: (url: string, init?: RequestInit) => Promise<Response>,
  target: {
    method: 'PUT' | 'POST';
    url: string;
    headers?: Readonly<Record<string, string>>;
    fields?: Readonly<Record<string, string>>;
  },
  body: Uint8Array,
  contentType: string,
): Promise<Response> {
  if (target.method === 'PUT') {
    return fetchSigned(target.url, {
      method: 'PUT',
      headers: { ...target.headers },
      body: body as Uint8Array<ArrayBuffer>,
    });
  }
  const form = new FormData();
  for (const [k, v] of Object.entries(target.fields ?? {})) form.append(k, v);
  form.append('file', new Blob([body as Uint8Array<ArrayBuffer>], { type: contentType }));
  return fetchSigned(target.url, { method: 'POST', body: form });
}
