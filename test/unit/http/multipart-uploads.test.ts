import { describe, expect, it } from 'vitest';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { PhotoId } from '../../../src/domain/photo-id.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { ALLOWED_ORIGIN, type AppHarness, createAppHarness } from '../../support/app-harness.js';
import { tinyPng } from '../../support/images.js';
import { as, expectProblem, type PhotoBody, postUploads } from './http-helpers.js';

/** Parts of 200 bytes over 256: the 40x30 test PNG (521 bytes) goes in 3 parts, the last of 121. */
const SMALL_PARTS = { multipartThresholdBytes: 256, multipartPartBytes: 200 };
const harness = () => createAppHarness({ limits: SMALL_PARTS });
const png = () => tinyPng({ width: 40, height: 30 });

interface Registered {
  photo: PhotoBody;
  upload: { method: string; partSize: number; partCount: number; expiresAt: string };
}
interface SignedParts {
  parts: { partNumber: number; url: string; headers?: Record<string, string> }[];
  expiresAt: string;
}
interface Status {
  photo: PhotoBody;
  upload?: Registered['upload'];
  receivedParts: { partNumber: number; etag: string; size: number }[];
}

const json = (h: AppHarness, method: string, path: string, body: unknown, owner = 'dev') =>
  h.app.request(path, {
    method,
    headers: as(owner, { 'Content-Type': 'application/json' }),
    body: JSON.stringify(body),
  });

async function register(h: AppHarness, bytes: Uint8Array, owner = 'dev'): Promise<Registered> {
  const res = await postUploads(
    h,
    { filename: 'big.png', contentType: 'image/png', size: bytes.byteLength },
    as(owner),
  );
  expect(res.status).toBe(201);
  return (await res.json()) as Registered;
}

async function sign(h: AppHarness, id: string, partNumbers: number[], owner = 'dev'): Promise<SignedParts> {
  const res = await json(h, 'POST', `/uploads/${id}/parts`, { partNumbers }, owner);
  expect(res.status).toBe(200);
  return (await res.json()) as SignedParts;
}

/** The bytes of part `n` (1-based) of a file cut by `upload`. */
const slice = (bytes: Uint8Array, upload: Registered['upload'], n: number) =>
  bytes.subarray((n - 1) * upload.partSize, Math.min(bytes.byteLength, n * upload.partSize));

const putPart = (h: AppHarness, url: string, body: Uint8Array, headers: Record<string, string> = {}) =>
  h.app.request(url, { method: 'PUT', headers, body: body.slice() as Uint8Array<ArrayBuffer> });

/** Sends parts `numbers` of `bytes` through signed part URLs; their ETags by part number. */
async function sendParts(
  h: AppHarness,
  reg: Registered,
  bytes: Uint8Array,
  numbers: number[],
  owner = 'dev',
) {
  const etags = new Map<number, string>();
  for (const part of (await sign(h, reg.photo.id, numbers, owner)).parts) {
    const res = await putPart(h, part.url, slice(bytes, reg.upload, part.partNumber), part.headers);
    expect(res.status).toBe(200);
    etags.set(part.partNumber, res.headers.get('etag') as string);
  }
  return etags;
}

const partList = (etags: Map<number, string>) =>
  [...etags].map(([partNumber, etag]) => ({ partNumber, etag })).sort((a, b) => a.partNumber - b.partNumber);

const status = async (h: AppHarness, id: string, owner = 'dev') => {
  const res = await h.app.request(`/uploads/${id}`, { headers: as(owner) });
  expect(res.status).toBe(200);
  return (await res.json()) as Status;
};

describe('POST /uploads over the multipart threshold', () => {
  it('answers 201 with a multipart upload: part size, part count and expiry, no URL', async () => {
    const h = harness();
    const before = h.clock.now().getTime();
    const { photo, upload } = await register(h, png());
    expect(photo).toMatchObject({ status: 'pending', size: 521, contentType: 'image/png' });
    expect(upload).toEqual({
      method: 'MULTIPART',
      partSize: 200,
      partCount: 3,
      expiresAt: new Date(before + 900_000).toISOString(),
    });
  });

  it('keeps one signed PUT up to the threshold', async () => {
    const h = harness();
    const res = await postUploads(h, { filename: 'a.png', contentType: 'image/png', size: 256 });
    expect((await res.json()).upload.method).toBe('PUT');
  });

  it('goes by multipart over 16 MiB by default, in parts of 8 MiB', async () => {
    const h = createAppHarness();
    const res = await postUploads(h, { filename: 'a.png', contentType: 'image/png', size: 40 * 1024 * 1024 });
    expect((await res.json()).upload).toMatchObject({
      method: 'MULTIPART',
      partSize: 8 * 1024 * 1024,
      partCount: 5,
    });
    const single = await postUploads(h, {
      filename: 'a.png',
      contentType: 'image/png',
      size: 16 * 1024 * 1024,
    });
    expect((await single.json()).upload.method).toBe('PUT');
  });
});

describe('a multipart upload through the API and the /files part route', () => {
  it('signs parts, takes them with an ETag, reports them, completes, and ends in renditions', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes, 'alice');

    const signed = await sign(h, reg.photo.id, [1, 2, 3], 'alice');
    expect(signed.parts.map((p) => p.partNumber)).toEqual([1, 2, 3]);
    expect(signed.parts[0]?.url).toMatch(new RegExp(`^/files/originals/alice/${reg.photo.id}/parts/1\\?`));
    expect(Date.parse(signed.expiresAt)).toBeGreaterThan(h.clock.now().getTime());

    const etags = new Map<number, string>();
    for (const part of signed.parts) {
      const res = await putPart(h, part.url, slice(bytes, reg.upload, part.partNumber), {
        Origin: ALLOWED_ORIGIN,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('etag')).toMatch(/^"[0-9a-f]+"$/);
      // The page reads the ETag from another origin: CORS exposes it.
      expect(res.headers.get('access-control-expose-headers')?.split(/,\s*/)).toContain('ETag');
      etags.set(part.partNumber, res.headers.get('etag') as string);
    }

    const { receivedParts } = await status(h, reg.photo.id, 'alice');
    expect(receivedParts).toEqual([
      { partNumber: 1, etag: etags.get(1), size: 200 },
      { partNumber: 2, etag: etags.get(2), size: 200 },
      { partNumber: 3, etag: etags.get(3), size: 121 },
    ]);

    const done = await json(
      h,
      'POST',
      `/uploads/${reg.photo.id}/complete`,
      { parts: partList(etags) },
      'alice',
    );
    expect(done.status).toBe(202);
    expect((await done.json()).photo).toMatchObject({ id: reg.photo.id, status: 'processing', size: 521 });
    expect((await h.blobs.get(`originals/alice/${reg.photo.id}`))?.bytes).toEqual(bytes);
    await h.drain();
    const after = await status(h, reg.photo.id, 'alice');
    expect(after.upload).toBeUndefined();
    expect(after.photo).toMatchObject({ status: 'ready', width: 40, height: 30 });
    expect(h.multipart.openUploads()).toEqual([]);
  });

  it.each(['auth0|123', 'user@example.com', 'a:b+c=d'])(
    'works for the owner id %j, whose characters are escaped in the part URLs',
    async (owner) => {
      const h = harness();
      const bytes = png();
      const reg = await register(h, bytes, owner);
      const parts = partList(await sendParts(h, reg, bytes, [1, 2, 3], owner));
      expect((await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts }, owner)).status).toBe(202);
      expect(
        (await h.blobs.get(StorageKeys.original(owner as OwnerId, reg.photo.id as PhotoId)))?.bytes,
      ).toEqual(bytes);
    },
  );

  it('resumes after a reload from receivedParts: only the missing part is sent', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const first = await sendParts(h, reg, bytes, [1, 3]);
    h.clock.advance(10 * 60_000);

    const resumed = await status(h, reg.photo.id);
    expect(resumed.upload).toEqual({
      ...reg.upload,
      expiresAt: new Date(h.clock.now().getTime() + 900_000).toISOString(),
    });
    const have = new Set(resumed.receivedParts.map((p) => p.partNumber));
    const missing = [1, 2, 3].filter((n) => !have.has(n));
    expect(missing).toEqual([2]);
    const rest = await sendParts(h, reg, bytes, missing);

    const parts = partList(new Map([...first, ...rest]));
    expect((await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts })).status).toBe(202);
    expect((await h.blobs.get(`originals/dev/${reg.photo.id}`))?.bytes).toEqual(bytes);
  });

  it('completes again after a lost answer with 202 and the photo', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const parts = partList(await sendParts(h, reg, bytes, [1, 2, 3]));
    expect((await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts })).status).toBe(202);
    const again = await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts });
    expect(again.status).toBe(202);
    expect((await again.json()).photo.status).toBe('processing');
    expect(h.queue.waiting).toHaveLength(1);
  });
});

describe('completing with a wrong or missing part', () => {
  it('answers 400 naming a part listed with another ETag, and the upload stays resumable', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const etags = await sendParts(h, reg, bytes, [1, 2, 3]);
    const wrong = partList(etags).map((p) => (p.partNumber === 2 ? { ...p, etag: '"0123456789abcdef"' } : p));
    const body = await expectProblem(
      await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts: wrong }),
      400,
      'upload-part-mismatch',
    );
    expect(body).toMatchObject({ field: 'parts', partNumber: 2 });
    expect(body.detail).toMatch(/part 2/);
    expect((await status(h, reg.photo.id)).receivedParts).toHaveLength(3);
    expect(
      (await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts: partList(etags) })).status,
    ).toBe(202);
  });

  it('answers 400 naming a part not received, and one left out of the list', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const etags = await sendParts(h, reg, bytes, [1, 3]);
    const listed = [...partList(etags), { partNumber: 2, etag: etags.get(1) as string }];
    const notReceived = await expectProblem(
      await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts: listed }),
      400,
      'upload-part-missing',
    );
    expect(notReceived).toMatchObject({ field: 'parts', partNumber: 2 });
    const notListed = await expectProblem(
      await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts: partList(etags) }),
      400,
      'upload-part-missing',
    );
    expect(notListed.partNumber).toBe(2);
    expect(notListed.detail).toMatch(/missing from the list/);
    expect((await status(h, reg.photo.id)).photo.status).toBe('pending');
  });

  it.each([
    ['no parts', { parts: [] }, 'parts'],
    ['a part number of 0', { parts: [{ partNumber: 0, etag: '"x"' }] }, 'parts.0.partNumber'],
    ['an empty ETag', { parts: [{ partNumber: 1, etag: '' }] }, 'parts.0.etag'],
    ['an unknown field', { parts: [{ partNumber: 1, etag: '"x"' }], size: 3 }, 'size'],
  ])('refuses %s with 400 naming the field', async (_, payload, field) => {
    const h = harness();
    const reg = await register(h, png());
    const body = await expectProblem(
      await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, payload),
      400,
      'invalid-input',
    );
    expect(body.field).toBe(field);
  });

  it('answers 409 for an upload in one request', async () => {
    const h = harness();
    const res = await postUploads(h, { filename: 'a.png', contentType: 'image/png', size: 10 });
    const { photo } = await res.json();
    const parts = [{ partNumber: 1, etag: '"x"' }];
    await expectProblem(
      await json(h, 'POST', `/uploads/${photo.id}/complete`, { parts }),
      409,
      'upload-not-multipart',
    );
    await expectProblem(
      await json(h, 'POST', `/uploads/${photo.id}/parts`, { partNumbers: [1] }),
      409,
      'upload-not-multipart',
    );
  });
});

describe('POST /uploads/{id}/parts', () => {
  it.each([
    ['more than 100 part numbers', Array.from({ length: 101 }, (_, i) => i + 1), 'partNumbers'],
    ['no part number', [], 'partNumbers'],
    ['a part number past the part count', [4], 'partNumbers'],
    ['a part number of 0', [0], 'partNumbers.0'],
    ['a part number twice', [1, 1], 'partNumbers'],
    ['a fraction', [1.5], 'partNumbers.0'],
  ])('refuses %s with 400 naming the field', async (_, partNumbers, field) => {
    const h = harness();
    const reg = await register(h, png());
    const body = await expectProblem(
      await json(h, 'POST', `/uploads/${reg.photo.id}/parts`, { partNumbers }),
      400,
      'invalid-input',
    );
    expect(body.field).toBe(field);
  });

  it('moves the upload’s expiry forward, so a resumed upload stays in the gallery', async () => {
    const h = harness();
    const reg = await register(h, png());
    h.clock.advance(900_000);
    expect((await (await h.app.request('/photos')).json()).items).toEqual([]);
    await sign(h, reg.photo.id, [1]);
    expect((await (await h.app.request('/photos')).json()).items.map((p: PhotoBody) => p.id)).toEqual([
      reg.photo.id,
    ]);
  });

  it('answers 415 for a body that is not JSON, and 400 for a malformed id', async () => {
    const h = harness();
    const reg = await register(h, png());
    const res = await h.app.request(`/uploads/${reg.photo.id}/parts`, {
      method: 'POST',
      body: 'partNumbers=1',
    });
    await expectProblem(res, 415, 'unsupported-media-type');
    await expectProblem(
      await json(h, 'POST', '/uploads/not-an-id/parts', { partNumbers: [1] }),
      400,
      'invalid-input',
    );
  });
});

describe('another owner’s upload', () => {
  it('is a 404 on every upload route, and stays as it was', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes, 'alice');
    const etags = await sendParts(h, reg, bytes, [1, 2, 3], 'alice');
    const id = reg.photo.id;
    await expectProblem(
      await h.app.request(`/uploads/${id}`, { headers: as('bob') }),
      404,
      'photo-not-found',
    );
    await expectProblem(await json(h, 'POST', `/uploads/${id}/parts`, { partNumbers: [1] }, 'bob'), 404);
    await expectProblem(
      await json(h, 'POST', `/uploads/${id}/complete`, { parts: partList(etags) }, 'bob'),
      404,
      'photo-not-found',
    );
    await expectProblem(
      await h.app.request(`/uploads/${id}`, { method: 'DELETE', headers: as('bob') }),
      404,
      'photo-not-found',
    );
    expect((await status(h, id, 'alice')).receivedParts).toHaveLength(3);
  });
});

describe('DELETE /uploads/{id}', () => {
  it('aborts the upload and removes the photo: nothing is left in storage', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const signed = await sign(h, reg.photo.id, [1, 2]);
    expect((await putPart(h, signed.parts[0]?.url as string, slice(bytes, reg.upload, 1))).status).toBe(200);

    expect((await h.app.request(`/uploads/${reg.photo.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(h.multipart.openUploads()).toEqual([]);
    expect(h.blobs.keys()).toEqual([]);
    expect(await h.photos.get('dev' as OwnerId, reg.photo.id as PhotoId)).toBeUndefined();
    await expectProblem(await h.app.request(`/uploads/${reg.photo.id}`), 404);
    // A part URL signed before the abort stores nothing.
    await expectProblem(await putPart(h, signed.parts[1]?.url as string, slice(bytes, reg.upload, 2)), 404);
    expect(h.blobs.keys()).toEqual([]);
    await expectProblem(await h.app.request(`/uploads/${reg.photo.id}`, { method: 'DELETE' }), 404);
  });

  it('answers 409 once the upload has completed, and keeps the photo', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const parts = partList(await sendParts(h, reg, bytes, [1, 2, 3]));
    await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts });
    await expectProblem(
      await h.app.request(`/uploads/${reg.photo.id}`, { method: 'DELETE' }),
      409,
      'upload-already-received',
    );
    expect((await status(h, reg.photo.id)).photo.status).toBe('processing');
  });
});

describe('GET /uploads/{id}', () => {
  it('answers 410 when storage no longer has the multipart upload', async () => {
    const h = harness();
    const reg = await register(h, png());
    const id = reg.photo.id as PhotoId;
    const uploadId = (await h.photos.get('dev' as OwnerId, id))?.upload?.multipart?.uploadId ?? '';
    await h.multipart.abort(StorageKeys.original('dev' as OwnerId, id), uploadId);
    await expectProblem(await h.app.request(`/uploads/${reg.photo.id}`), 410, 'upload-expired');
    await expectProblem(
      await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts: [{ partNumber: 1, etag: '"x"' }] }),
      410,
      'upload-expired',
    );
  });

  it('hands a pending upload in one request a fresh target', async () => {
    const h = harness();
    const { photo } = await (
      await postUploads(h, { filename: 'a.png', contentType: 'image/png', size: 10 })
    ).json();
    const got = await status(h, photo.id);
    expect(got.upload).toMatchObject({ method: 'PUT', url: expect.stringMatching(/^\/files\/originals\//) });
    expect(got.receivedParts).toEqual([]);
  });
});

describe('PUT to a part URL', () => {
  it('takes exactly the part’s size: more is 413, less is 400, and nothing is kept', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const [part] = (await sign(h, reg.photo.id, [1])).parts;
    const url = part?.url as string;
    await expectProblem(await putPart(h, url, bytes.subarray(0, 201)), 413, 'file-too-large');
    await expectProblem(await putPart(h, url, bytes.subarray(0, 199)), 400, 'size-mismatch');
    expect((await status(h, reg.photo.id)).receivedParts).toEqual([]);
  });

  it('refuses a tampered, moved or expired part URL with 403', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const [part] = (await sign(h, reg.photo.id, [2])).parts;
    const url = new URL(part?.url as string, 'http://x');
    const body = slice(bytes, reg.upload, 2);
    const moved = `${url.pathname.replace(/\/parts\/2$/, '/parts/1')}${url.search}`;
    await expectProblem(await putPart(h, moved, body), 403, 'invalid-signature');
    for (const [name, value] of [
      ['uploadId', 'another-upload'],
      ['len', '201'],
      ['sig', 'AAAA'],
    ] as const) {
      const altered = new URL(url);
      altered.searchParams.set(name, value);
      await expectProblem(
        await putPart(h, `${altered.pathname}${altered.search}`, body),
        403,
        'invalid-signature',
      );
    }
    h.clock.advance(901_000);
    const expired = await expectProblem(await putPart(h, `${url.pathname}${url.search}`, body), 403);
    expect(expired.detail).toMatch(/expired/);
    expect((await status(h, reg.photo.id)).receivedParts).toEqual([]);
  });

  it('refuses a part once the upload has completed with 409', async () => {
    const h = harness();
    const bytes = png();
    const reg = await register(h, bytes);
    const signed = await sign(h, reg.photo.id, [1, 2, 3]);
    const etags = new Map<number, string>();
    for (const part of signed.parts) {
      const res = await putPart(h, part.url, slice(bytes, reg.upload, part.partNumber));
      etags.set(part.partNumber, res.headers.get('etag') as string);
    }
    await json(h, 'POST', `/uploads/${reg.photo.id}/complete`, { parts: partList(etags) });
    await expectProblem(
      await putPart(h, signed.parts[0]?.url as string, slice(bytes, reg.upload, 1)),
      409,
      'upload-already-received',
    );
  });
});
