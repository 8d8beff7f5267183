import { describe, expect, it } from 'vitest';
import { createAppHarness } from '../../support/app-harness.js';
import { heicSample } from '../../support/heic.js';
import { tinyPng } from '../../support/images.js';
import {
  as,
  chunkedBody,
  expectProblem,
  getPhoto,
  keysDeep,
  type PhotoBody,
  readyPng,
  registerPng,
  uploadPng,
} from './http-helpers.js';

const MiB = 1024 * 1024;
const UNKNOWN_ID = '0190f3a2-7b1c-7d2e-8f3a-0123456789ab';
const PRESETS = ['thumb', 'preview', 'large'];

const postPhotos = (
  h: ReturnType<typeof createAppHarness>,
  body: BodyInit | null,
  headers: Record<string, string>,
) => h.app.request('/photos', { method: 'POST', headers, body });

const multipart = (file?: { bytes: Uint8Array; name: string; type: string }, field = 'file') => {
  const form = new FormData();
  form.append('caption', 'holiday');
  if (file)
    form.append(field, new File([file.bytes as Uint8Array<ArrayBuffer>], file.name, { type: file.type }));
  return form;
};

const svg = new TextEncoder().encode(
  '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
);

describe('POST /photos', () => {
  it('takes a raw image body and answers 202 with a processing photo', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const res = await h.app.request('/photos?filename=beach.png', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: bytes,
    });
    expect(res.status).toBe(202);
    const { photo } = await res.json();
    expect(photo).toMatchObject({
      filename: 'beach.png',
      contentType: 'image/png',
      size: bytes.byteLength,
      status: 'processing',
    });
    expect(h.blobs.keys('originals/')).toEqual([`originals/dev/${photo.id}`]);
    expect(h.queue.waiting).toEqual([{ ownerId: 'dev', photoId: photo.id }]);
  });

  it('takes the filename from X-Filename, else calls it upload', async () => {
    const h = createAppHarness();
    const named = await postPhotos(h, tinyPng(), { 'Content-Type': 'image/png', 'X-Filename': 'dune.png' });
    expect((await named.json()).photo.filename).toBe('dune.png');
    const unnamed = await postPhotos(h, tinyPng(), { 'Content-Type': 'image/png' });
    expect((await unnamed.json()).photo.filename).toBe('upload');
  });

  it('stores the sniffed type, not the declared one', async () => {
    const h = createAppHarness();
    const res = await postPhotos(h, tinyPng(), { 'Content-Type': 'image/jpeg' });
    expect(res.status).toBe(202);
    expect((await res.json()).photo.contentType).toBe('image/png');
  });

  it('takes a multipart `file` field and answers 202', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const res = await postPhotos(h, multipart({ bytes, name: 'harbour.png', type: 'image/png' }), {});
    expect(res.status).toBe(202);
    const { photo } = await res.json();
    expect(photo).toMatchObject({ filename: 'harbour.png', size: bytes.byteLength, status: 'processing' });
    expect((await h.blobs.get(`originals/dev/${photo.id}`))?.bytes).toEqual(bytes);
  });

  it('refuses a raw body over the 4 MiB direct-upload limit with 413', async () => {
    const h = createAppHarness();
    const big = new Uint8Array(4 * MiB + 1);
    big.set(tinyPng());
    await expectProblem(await postPhotos(h, big, { 'Content-Type': 'image/png' }), 413, 'file-too-large');
    expect(h.blobs.keys()).toEqual([]);
  });

  it('accepts exactly 4 MiB', async () => {
    const h = createAppHarness();
    const max = new Uint8Array(4 * MiB);
    max.set(tinyPng());
    expect((await postPhotos(h, max, { 'Content-Type': 'image/png' })).status).toBe(202);
  });

  it('refuses a multipart file over the limit with 413', async () => {
    const h = createAppHarness();
    const big = new Uint8Array(4 * MiB + 1);
    big.set(tinyPng());
    const res = await postPhotos(h, multipart({ bytes: big, name: 'big.png', type: 'image/png' }), {});
    await expectProblem(res, 413, 'file-too-large');
    expect(h.blobs.keys()).toEqual([]);
  });

  it.each(['multipart/form-data; boundary=xyz', 'image/png'])(
    'refuses a chunked %s body over the limit with 413 without reading it all',
    async (type) => {
      const h = createAppHarness();
      const head = type.startsWith('multipart')
        ? new TextEncoder().encode(
            '--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n',
          )
        : tinyPng();
      const body = chunkedBody(64 * MiB, head);
      const res = await h.app.request('/photos', {
        method: 'POST',
        headers: { 'Content-Type': type },
        ...body.init,
      });
      await expectProblem(res, 413, 'file-too-large');
      expect(body.pulled()).toBeLessThan(5 * MiB);
      expect(h.blobs.keys()).toEqual([]);
    },
  );

  it('honours a configured direct-upload limit', async () => {
    const h = createAppHarness({ limits: { maxDirectUploadBytes: 100 } });
    await expectProblem(
      await postPhotos(h, tinyPng({ width: 30, height: 30 }), { 'Content-Type': 'image/png' }),
      413,
      'file-too-large',
    );
  });

  it.each([
    ['text/plain', new TextEncoder().encode('hello')],
    ['application/json', new TextEncoder().encode('{}')],
    ['text/html', new TextEncoder().encode('<!doctype html><p>hi')],
    ['application/octet-stream', tinyPng()],
  ])('refuses a %s body with 415', async (type, bytes) => {
    const h = createAppHarness();
    await expectProblem(await postPhotos(h, bytes, { 'Content-Type': type }), 415, 'unsupported-media-type');
    expect(h.blobs.keys()).toEqual([]);
  });

  it.each([
    ['an SVG sent as image/png', svg, 'image/png'],
    ['an SVG sent as image/svg+xml', svg, 'image/svg+xml'],
    ['HTML sent as image/jpeg', new TextEncoder().encode('<html><script>1</script></html>'), 'image/jpeg'],
    ['an executable sent as image/png', Uint8Array.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]), 'image/png'],
  ])('refuses %s with 415 (sniffed from the bytes)', async (_, bytes, type) => {
    const h = createAppHarness();
    await expectProblem(await postPhotos(h, bytes, { 'Content-Type': type }), 415, 'unsupported-media-type');
    expect(h.blobs.keys()).toEqual([]);
  });

  it.each([
    ['a raw body', (bytes: Uint8Array) => ({ body: bytes, headers: { 'Content-Type': 'image/heic' } })],
    [
      'a multipart file',
      (bytes: Uint8Array) => ({
        body: multipart({ bytes, name: 'IMG_0001.HEIC', type: 'image/heic' }),
        headers: {},
      }),
    ],
  ])('takes a HEIC as %s and answers 202 with a processing image/heic photo', async (_, send) => {
    const h = createAppHarness();
    const bytes = heicSample('rotated');
    const { body, headers } = send(bytes);
    const res = await postPhotos(h, body as BodyInit, headers);
    expect(res.status).toBe(202);
    const { photo } = await res.json();
    expect(photo).toMatchObject({ contentType: 'image/heic', size: bytes.byteLength, status: 'processing' });
    expect(h.blobs.keys('originals/')).toEqual([`originals/dev/${photo.id}`]);
  });

  it('refuses an SVG in a multipart file labelled image/png with 415', async () => {
    const h = createAppHarness();
    const res = await postPhotos(h, multipart({ bytes: svg, name: 'cat.png', type: 'image/png' }), {});
    await expectProblem(res, 415, 'unsupported-media-type');
  });

  it('refuses multipart without a `file` field with 400 naming it', async () => {
    const h = createAppHarness();
    const body = await expectProblem(
      await postPhotos(h, multipart({ bytes: tinyPng(), name: 'a.png', type: 'image/png' }, 'photo'), {}),
      400,
      'invalid-input',
    );
    expect(body.field).toBe('file');
    const textOnly = new FormData();
    textOnly.append('file', 'not a file');
    expect((await expectProblem(await postPhotos(h, textOnly, {}), 400)).field).toBe('file');
  });

  it('refuses a malformed multipart body with 400', async () => {
    const h = createAppHarness();
    const res = await postPhotos(h, '--nope\r\ngarbage', {
      'Content-Type': 'multipart/form-data; boundary=x',
    });
    await expectProblem(res, 400);
  });

  // Documented choice: an empty body is refused as "not an accepted image" (415), with or without a
  // Content-Type, because the type is sniffed from the bytes and zero bytes are no image.
  it('refuses an empty body with 415', async () => {
    const h = createAppHarness();
    await expectProblem(
      await postPhotos(h, null, { 'Content-Type': 'image/png' }),
      415,
      'unsupported-media-type',
    );
    await expectProblem(await postPhotos(h, null, {}), 415, 'unsupported-media-type');
    expect(h.blobs.keys()).toEqual([]);
  });

  it('refuses an unsafe filename with 400 naming it', async () => {
    const h = createAppHarness();
    const res = await h.app.request('/photos?filename=..%2Fsecret', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: tinyPng(),
    });
    expect((await expectProblem(res, 400)).field).toBe('filename');
  });
});

describe('GET /photos', () => {
  const listAll = async (h: ReturnType<typeof createAppHarness>, owner: string, limit: number) => {
    const pages: { items: PhotoBody[]; nextCursor?: string }[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({ limit: String(limit), ...(cursor ? { cursor } : {}) });
      const res = await h.app.request(`/photos?${query}`, { headers: as(owner) });
      expect(res.status).toBe(200);
      const page = await res.json();
      pages.push(page);
      cursor = page.nextCursor;
    } while (cursor && pages.length < 50);
    return pages;
  };

  it('lists nothing for a new owner, without a cursor', async () => {
    const h = createAppHarness();
    const res = await h.app.request('/photos', { headers: as('nobody') });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ items: [] });
  });

  it('lists newest first, 24 by default, with nextCursor absent on the last page', async () => {
    const h = createAppHarness();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) ids.push((await uploadPng(h, 'alice', { filename: `p${i}.png` })).id);
    const newestFirst = [...ids].reverse();

    const first = await (await h.app.request('/photos', { headers: as('alice') })).json();
    expect(first.items.map((p: PhotoBody) => p.id)).toEqual(newestFirst.slice(0, 24));
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await (
      await h.app.request(`/photos?cursor=${encodeURIComponent(first.nextCursor)}`, { headers: as('alice') })
    ).json();
    expect(second.items.map((p: PhotoBody) => p.id)).toEqual(newestFirst.slice(24));
    expect('nextCursor' in second).toBe(false);
  });

  it('pages through every photo exactly once, in order', async () => {
    const h = createAppHarness();
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await uploadPng(h, 'alice')).id);
    for (const limit of [1, 2, 3, 7, 100]) {
      const pages = await listAll(h, 'alice', limit);
      expect(pages.flatMap((p) => p.items.map((i) => i.id))).toEqual([...ids].reverse());
      expect(pages.length).toBe(Math.ceil(7 / limit));
      expect(pages.at(-1)?.nextCursor).toBeUndefined();
    }
  });

  it('accepts a limit of 100 and of 1', async () => {
    const h = createAppHarness();
    expect((await h.app.request('/photos?limit=100')).status).toBe(200);
    expect((await h.app.request('/photos?limit=1')).status).toBe(200);
  });

  it.each(['101', '0', '-1', 'abc', '1.5', '', '1e3'])(
    'refuses limit=%j with 400 naming limit',
    async (limit) => {
      const h = createAppHarness();
      const body = await expectProblem(await h.app.request(`/photos?limit=${limit}`), 400, 'invalid-input');
      expect(body.field).toBe('limit');
      expect(body.detail).toContain('limit');
    },
  );

  it.each(['', 'garbage', 'eyJ2IjoxfQ.abc', 'a.b.c', '%F0%9F', 'x'.repeat(600)])(
    'refuses cursor %j with 400',
    async (cursor) => {
      const h = createAppHarness();
      const body = await expectProblem(await h.app.request(`/photos?cursor=${cursor}`), 400);
      expect(body.field).toBe('cursor');
    },
  );

  it("refuses another owner's cursor with 400", async () => {
    const h = createAppHarness();
    for (let i = 0; i < 3; i++) await uploadPng(h, 'alice');
    const page = await (await h.app.request('/photos?limit=1', { headers: as('alice') })).json();
    const res = await h.app.request(`/photos?cursor=${encodeURIComponent(page.nextCursor)}`, {
      headers: as('bob'),
    });
    await expectProblem(res, 400, 'invalid-cursor');
  });

  it("keeps owners apart: bob sees none of alice's photos", async () => {
    const h = createAppHarness();
    const alices = [await uploadPng(h, 'alice'), await uploadPng(h, 'alice')];
    const bobs = await uploadPng(h, 'bob');
    const forBob = await (await h.app.request('/photos', { headers: as('bob') })).json();
    expect(forBob.items.map((p: PhotoBody) => p.id)).toEqual([bobs.id]);
    const forAlice = await (await h.app.request('/photos', { headers: as('alice') })).json();
    expect(forAlice.items.map((p: PhotoBody) => p.id)).toEqual(alices.map((p) => p.id).reverse());
    const forDev = await (await h.app.request('/photos')).json();
    expect(forDev.items).toEqual([]);
  });

  it('shows ready photos with their signed URLs', async () => {
    const h = createAppHarness();
    const ready = await readyPng(h, 'alice');
    const page = await (await h.app.request('/photos', { headers: as('alice') })).json();
    expect(page.items).toHaveLength(1);
    expect(page.items[0]).toMatchObject({ id: ready.id, status: 'ready', renditions: ready.renditions });
    expect(Object.keys(page.items[0].urls.thumbnails).sort()).toEqual([...PRESETS].sort());
  });

  it('refuses an invalid X-Owner-Id in dev mode with 401', async () => {
    const h = createAppHarness();
    await expectProblem(await h.app.request('/photos', { headers: as('../alice') }), 401, 'unauthorized');
  });
});

describe('GET /photos/{id}', () => {
  const always = ['id', 'kind', 'filename', 'contentType', 'size', 'status', 'createdAt', 'updatedAt'];
  const leaked = ['ownerId', 'version', 'key', 'checksum', 'bytes'];

  it('shows a pending photo with the fields it always has, and no more', async () => {
    const h = createAppHarness();
    const { photo } = await registerPng(h, tinyPng(), 'alice', 'sea.png');
    const body = await getPhoto(h, photo.id, 'alice');
    expect(Object.keys(body).sort()).toEqual([...always].sort());
    expect(body).toMatchObject({
      id: photo.id,
      filename: 'sea.png',
      status: 'pending',
      contentType: 'image/png',
    });
    expect(new Date(body.createdAt).toISOString()).toBe(body.createdAt);
  });

  it('shows a processing photo without dimensions or URLs', async () => {
    const h = createAppHarness();
    const uploaded = await uploadPng(h);
    const body = await getPhoto(h, uploaded.id);
    expect(body.status).toBe('processing');
    expect(Object.keys(body).sort()).toEqual([...always].sort());
  });

  it('shows a ready photo with its size, placeholder, renditions and signed URLs', async () => {
    const h = createAppHarness();
    const body = await readyPng(h, 'alice', { width: 300, height: 200 });
    expect(body).toMatchObject({ status: 'ready', width: 300, height: 200, contentType: 'image/png' });
    expect(body.placeholder).toEqual(expect.any(String));
    expect(body.renditions).toEqual([
      { preset: 'thumb', width: 200, height: 200, format: 'webp', size: expect.any(Number) },
      { preset: 'preview', width: 300, height: 200, format: 'webp', size: expect.any(Number) },
      { preset: 'large', width: 300, height: 200, format: 'webp', size: expect.any(Number) },
    ]);
    for (const r of body.renditions ?? []) {
      const stored = await h.blobs.head(`renditions/alice/${body.id}/${r.preset}.webp`);
      expect(r.size).toBe(stored?.size);
    }
    expect(body.urls?.original).toMatch(/^\/files\/originals\/alice\//);
    expect(Object.keys(body.urls?.thumbnails ?? {}).sort()).toEqual([...PRESETS].sort());
    for (const url of Object.values(body.urls?.thumbnails ?? {})) {
      expect(url).toMatch(/^\/files\/renditions\/alice\/.+\?exp=\d+&sig=/);
      expect((await h.app.request(url)).status).toBe(200);
    }
    for (const name of leaked) expect(keysDeep(body)).not.toContain(name);
  });

  it('shows the display size after EXIF rotation', async () => {
    const h = createAppHarness();
    const body = await readyPng(h, 'dev', { width: 40, height: 20, orientation: 6 });
    expect({ width: body.width, height: body.height }).toEqual({ width: 20, height: 40 });
    const preview = body.renditions?.find((r) => r.preset === 'preview');
    expect(preview).toMatchObject({ width: 20, height: 40 });
  });

  it('shows why a photo failed, without URLs', async () => {
    const h = createAppHarness({ limits: { maxPixels: 100 } });
    const uploaded = await uploadPng(h, 'dev', { width: 20, height: 10 });
    await h.drain();
    const body = await getPhoto(h, uploaded.id);
    expect(body.status).toBe('failed');
    expect(body.failure).toEqual({ code: 'image-too-large', message: expect.stringMatching(/20x10/) });
    expect(body.urls).toBeUndefined();
    expect(body.renditions).toBeUndefined();
  });

  it('refuses a malformed id with 400 naming it', async () => {
    const h = createAppHarness();
    for (const id of ['nope', UNKNOWN_ID.toUpperCase(), '1', `${UNKNOWN_ID}x`, '%00']) {
      const body = await expectProblem(await h.app.request(`/photos/${id}`), 400, 'invalid-input');
      expect(body.field).toBe('id');
    }
  });

  it('answers 404 for an unknown id', async () => {
    const h = createAppHarness();
    await expectProblem(await h.app.request(`/photos/${UNKNOWN_ID}`), 404, 'photo-not-found');
  });

  it("answers 404, never 403, for another owner's photo", async () => {
    const h = createAppHarness();
    const alices = await readyPng(h, 'alice');
    await expectProblem(
      await h.app.request(`/photos/${alices.id}`, { headers: as('bob') }),
      404,
      'photo-not-found',
    );
    await expectProblem(await h.app.request(`/photos/${alices.id}/original`, { headers: as('bob') }), 404);
    await expectProblem(
      await h.app.request(`/photos/${alices.id}/thumbnails/thumb`, { headers: as('bob') }),
      404,
    );
    await expectProblem(
      await h.app.request(`/photos/${alices.id}`, { method: 'DELETE', headers: as('bob') }),
      404,
    );
    expect((await getPhoto(h, alices.id, 'alice')).status).toBe('ready');
  });
});

describe('GET /photos/{id}/original', () => {
  it('redirects with 302 to a signed URL that serves the bytes', async () => {
    const h = createAppHarness();
    const bytes = tinyPng({ seed: 9 });
    const res = await h.app.request('/photos', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: bytes,
    });
    const { photo } = await res.json();
    const redirect = await h.app.request(`/photos/${photo.id}/original`);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') as string;
    expect(location).toMatch(/^\/files\/originals\/dev\//);
    const file = await h.app.request(location);
    expect(file.status).toBe(200);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(bytes);
  });

  it('answers 409 while the photo is pending', async () => {
    const h = createAppHarness();
    const { photo } = await registerPng(h, tinyPng());
    const res = await h.app.request(`/photos/${photo.id}/original`);
    await expectProblem(res, 409, 'photo-not-ready');
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    const h = createAppHarness();
    await expectProblem(await h.app.request(`/photos/${UNKNOWN_ID}/original`), 404);
    await expectProblem(await h.app.request('/photos/x/original'), 400);
  });
});

describe('GET /photos/{id}/thumbnails/{preset}', () => {
  it('redirects with 302 to a signed URL of each preset once ready', async () => {
    const h = createAppHarness();
    const ready = await readyPng(h);
    for (const preset of PRESETS) {
      const res = await h.app.request(`/photos/${ready.id}/thumbnails/${preset}`);
      expect(res.status).toBe(302);
      const location = res.headers.get('location') as string;
      expect(location).toMatch(new RegExp(`^/files/renditions/dev/${ready.id}/${preset}\\.webp\\?`));
      const file = await h.app.request(location);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('image/webp');
    }
  });

  it('answers 409 with Retry-After while pending or processing', async () => {
    const h = createAppHarness();
    const { photo: pending } = await registerPng(h, tinyPng());
    const processing = await uploadPng(h);
    for (const id of [pending.id, processing.id]) {
      const res = await h.app.request(`/photos/${id}/thumbnails/thumb`);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      await expectProblem(res, 409, 'photo-not-ready');
    }
  });

  it('answers 404 for an unknown preset', async () => {
    const h = createAppHarness();
    const ready = await readyPng(h);
    for (const preset of ['huge', 'THUMB', 'thumb.webp', '..']) {
      const res = await h.app.request(`/photos/${ready.id}/thumbnails/${encodeURIComponent(preset)}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    await expectProblem(await h.app.request(`/photos/${ready.id}/thumbnails/huge`), 404, 'preset-not-found');
  });

  it('answers 409 photo-failed, without Retry-After, for a failed photo', async () => {
    const h = createAppHarness({ limits: { maxPixels: 100 } });
    const uploaded = await uploadPng(h, 'dev', { width: 20, height: 10 });
    await h.drain();
    const res = await h.app.request(`/photos/${uploaded.id}/thumbnails/thumb`);
    expect(res.headers.get('retry-after')).toBeNull();
    await expectProblem(res, 409, 'photo-failed');
  });

  it('answers 404 for an unknown photo and 400 for a malformed id', async () => {
    const h = createAppHarness();
    await expectProblem(
      await h.app.request(`/photos/${UNKNOWN_ID}/thumbnails/thumb`),
      404,
      'photo-not-found',
    );
    await expectProblem(await h.app.request('/photos/x/thumbnails/thumb'), 400, 'invalid-input');
  });
});

describe('DELETE /photos/{id}', () => {
  it('answers 204, removes every object and the record; a repeat is 404', async () => {
    const h = createAppHarness();
    const ready = await readyPng(h, 'alice');
    const keep = await readyPng(h, 'alice');
    const oldThumb = ready.urls?.thumbnails.thumb as string;
    expect(h.blobs.keys().filter((k) => k.includes(ready.id))).toHaveLength(4);

    const res = await h.app.request(`/photos/${ready.id}`, { method: 'DELETE', headers: as('alice') });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(h.blobs.keys().filter((k) => k.includes(ready.id))).toEqual([]);
    expect(h.blobs.keys().filter((k) => k.includes(keep.id))).toHaveLength(4);

    const again = await h.app.request(`/photos/${ready.id}`, { method: 'DELETE', headers: as('alice') });
    await expectProblem(again, 404, 'photo-not-found');
    await expectProblem(await h.app.request(`/photos/${ready.id}`, { headers: as('alice') }), 404);
    await expectProblem(await h.app.request(oldThumb), 404, 'file-not-found');
    const list = await (await h.app.request('/photos', { headers: as('alice') })).json();
    expect(list.items.map((p: PhotoBody) => p.id)).toEqual([keep.id]);
  });

  it('deletes a pending and a processing photo', async () => {
    const h = createAppHarness();
    const { photo: pending } = await registerPng(h, tinyPng());
    const processing = await uploadPng(h);
    for (const id of [pending.id, processing.id]) {
      expect((await h.app.request(`/photos/${id}`, { method: 'DELETE' })).status).toBe(204);
    }
    expect(h.blobs.keys()).toEqual([]);
    // The job queued for the processing photo finds nothing and leaves nothing behind.
    await h.drain();
    expect(h.blobs.keys()).toEqual([]);
  });

  it('answers 400 for a malformed id and 404 for an unknown one', async () => {
    const h = createAppHarness();
    await expectProblem(await h.app.request('/photos/x', { method: 'DELETE' }), 400, 'invalid-input');
    await expectProblem(await h.app.request(`/photos/${UNKNOWN_ID}`, { method: 'DELETE' }), 404);
  });
});
