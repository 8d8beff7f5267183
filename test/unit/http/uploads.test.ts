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
  postUploads,
  putBytes,
  registerPng,
} from './http-helpers.js';

const MiB = 1024 * 1024;
const valid = { filename: 'beach.png', contentType: 'image/png', size: 1234 };

describe('POST /uploads', () => {
  it('registers a pending photo and answers 201 with a signed PUT target', async () => {
    const h = createAppHarness();
    const before = Date.now();
    const res = await postUploads(h, valid, as('alice'));
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const { photo, upload } = await res.json();
    expect(photo).toEqual({
      id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      kind: 'photo',
      filename: 'beach.png',
      contentType: 'image/png',
      size: 1234,
      status: 'pending',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(upload).toEqual({
      method: 'PUT',
      url: expect.stringMatching(/^\/files\/originals\//),
      headers: { 'Content-Type': 'image/png' },
      expiresAt: expect.any(String),
    });
    expect(upload.url).toContain(photo.id);
    expect(new Date(upload.expiresAt).toISOString()).toBe(upload.expiresAt);
    expect(Date.parse(upload.expiresAt)).toBeGreaterThan(before);
    expect(keysDeep(photo)).not.toContain('ownerId');
  });

  it('accepts exactly the 50 MiB limit', async () => {
    const h = createAppHarness();
    const res = await postUploads(h, { ...valid, size: 50 * MiB });
    expect(res.status).toBe(201);
  });

  it('refuses an unknown field with 400 naming it', async () => {
    const h = createAppHarness();
    const body = await expectProblem(
      await postUploads(h, { ...valid, ownerId: 'bob' }),
      400,
      'invalid-input',
    );
    expect(body.field).toBe('ownerId');
    expect(body.detail).toContain('ownerId');
  });

  it.each([
    ['size as a string', { ...valid, size: '1234' }, 'size'],
    ['size as a fraction', { ...valid, size: 1.5 }, 'size'],
    ['size of zero', { ...valid, size: 0 }, 'size'],
    ['size missing', { filename: 'a.png', contentType: 'image/png' }, 'size'],
    ['filename as a number', { ...valid, filename: 42 }, 'filename'],
    ['filename missing', { contentType: 'image/png', size: 1 }, 'filename'],
    ['filename empty', { ...valid, filename: '' }, 'filename'],
    ['filename with a slash', { ...valid, filename: '../etc/passwd' }, 'filename'],
    ['contentType missing', { filename: 'a.png', size: 1 }, 'contentType'],
    ['contentType as null', { ...valid, contentType: null }, 'contentType'],
  ])('refuses %s with 400 naming the field', async (_, payload, field) => {
    const h = createAppHarness();
    const body = await expectProblem(await postUploads(h, payload), 400, 'invalid-input');
    expect(body.field).toBe(field);
    expect(body.detail).toContain(field);
  });

  it.each([
    ['malformed JSON', '{"filename": "a.png",'],
    ['an empty body', ''],
    ['a JSON array', '[]'],
    ['JSON null', 'null'],
    ['a JSON string', '"photo.png"'],
  ])('refuses %s with 400', async (_, raw) => {
    const h = createAppHarness();
    await expectProblem(await postUploads(h, raw), 400, 'invalid-input');
  });

  it('refuses a chunked body over 16 KiB with 413 without reading it all', async () => {
    const h = createAppHarness();
    const body = chunkedBody(8 * MiB, new TextEncoder().encode('{"filename":"'));
    const res = await h.app.request('/uploads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      ...body.init,
    });
    await expectProblem(res, 413, 'file-too-large');
    expect(body.pulled()).toBeLessThan(MiB);
  });

  it('refuses a declared size over 50 MiB with 413', async () => {
    const h = createAppHarness();
    await expectProblem(await postUploads(h, { ...valid, size: 50 * MiB + 1 }), 413, 'file-too-large');
  });

  it('honours a configured limit', async () => {
    const h = createAppHarness({ limits: { maxOriginalBytes: 1000 } });
    await expectProblem(await postUploads(h, { ...valid, size: 1001 }), 413, 'file-too-large');
  });

  it.each([
    'image/svg+xml',
    'text/html',
    'image/heic-sequence',
    'application/x-msdownload',
    'application/pdf',
    '',
  ])('refuses the type %j with 415', async (contentType) => {
    const h = createAppHarness();
    const res = await postUploads(h, { ...valid, contentType });
    // An empty string is refused by the schema (400) or as a type (415); both name it.
    if (contentType === '') expect([400, 415]).toContain(res.status);
    else await expectProblem(res, 415, 'unsupported-media-type');
  });

  it('registers nothing when it refuses', async () => {
    const h = createAppHarness();
    await postUploads(h, { ...valid, contentType: 'image/svg+xml' });
    await postUploads(h, { ...valid, size: 50 * MiB + 1 });
    const list = await (await h.app.request('/photos')).json();
    expect(list.items).toEqual([]);
  });
});

describe('the signed upload flow (PUT /files/...)', () => {
  it('stores exact bytes, answers 204, marks the photo processing and queues a job; a drain makes it ready', async () => {
    const h = createAppHarness();
    const bytes = tinyPng({ width: 40, height: 30 });
    const { photo, upload } = await registerPng(h, bytes, 'alice');

    const res = await h.app.request(upload.url, {
      method: upload.method,
      headers: upload.headers,
      body: bytes,
    });
    expect(res.status).toBe(204);
    expect(h.blobs.keys('originals/')).toEqual([`originals/alice/${photo.id}`]);
    expect((await getPhoto(h, photo.id, 'alice')).status).toBe('processing');
    expect(h.queue.waiting).toEqual([{ ownerId: 'alice', photoId: photo.id }]);

    await h.drain();
    const ready = await getPhoto(h, photo.id, 'alice');
    expect(ready).toMatchObject({ status: 'ready', width: 40, height: 30, contentType: 'image/png' });
  });

  it.each(['auth0|123', 'user@example.com', 'a:b+c=d', 'x.y_z-1'])(
    'works for the owner id %j, whose characters are escaped in the URL',
    async (owner) => {
      const h = createAppHarness();
      const bytes = tinyPng();
      const { photo, upload } = await registerPng(h, bytes, owner);
      expect((await putBytes(h, upload.url, bytes)).status).toBe(204);
      await h.drain();
      const ready = await getPhoto(h, photo.id, owner);
      expect(ready.status).toBe('ready');
      for (const url of [ready.urls?.original, ready.urls?.thumbnails.thumb]) {
        expect((await h.app.request(url as string)).status).toBe(200);
      }
    },
  );

  it('stores bytes that are not an image; the photo then fails as unsupported', async () => {
    const h = createAppHarness();
    const svg = new TextEncoder().encode(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    const { photo, upload } = await registerPng(h, svg);
    expect((await putBytes(h, upload.url, svg)).status).toBe(204);
    await h.drain();
    const failed = await getPhoto(h, photo.id);
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'unsupported-format' } });
    expect(failed.urls).toBeUndefined();
    // The original is still served only as the declared image type, never as SVG, and sandboxed.
    const original = await h.app.request(
      (await h.app.request(`/photos/${photo.id}/original`)).headers.get('location') as string,
    );
    expect(original.headers.get('content-type')).toBe('image/png');
    expect(original.headers.get('x-content-type-options')).toBe('nosniff');
    expect(original.headers.get('content-security-policy')).toContain('sandbox');
  });

  it('takes a HEIC declared as image/heic: signed for that type, stored, then processing', async () => {
    const h = createAppHarness();
    const bytes = heicSample('rotated');
    const res = await postUploads(h, {
      filename: 'IMG_0001.HEIC',
      contentType: 'image/heic',
      size: bytes.byteLength,
    });
    expect(res.status).toBe(201);
    const { photo, upload } = await res.json();
    expect(photo).toMatchObject({ contentType: 'image/heic', status: 'pending' });
    expect(upload.headers).toEqual({ 'Content-Type': 'image/heic' });
    expect((await putBytes(h, upload.url, bytes, 'image/heic')).status).toBe(204);
    expect(await getPhoto(h, photo.id)).toMatchObject({ contentType: 'image/heic', status: 'processing' });
    expect(h.queue.waiting).toEqual([{ ownerId: 'dev', photoId: photo.id }]);
  });

  it('accepts a Content-Type with parameters and in another case', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { upload } = await registerPng(h, bytes);
    expect((await putBytes(h, upload.url, bytes, 'IMAGE/PNG; charset=binary')).status).toBe(204);
  });

  it('refuses a different Content-Type with 415 and stores nothing', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes);
    const body = await expectProblem(await putBytes(h, upload.url, bytes, 'image/jpeg'), 415);
    expect(body.detail).toContain('image/png');
    expect(h.blobs.keys()).toEqual([]);
    expect((await getPhoto(h, photo.id)).status).toBe('pending');
    expect(h.queue.waiting).toEqual([]);
  });

  it('refuses a PUT without a Content-Type with 415 and stores nothing', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { upload } = await registerPng(h, bytes);
    const res = await h.app.request(upload.url, { method: 'PUT', body: new Blob([bytes]) });
    await expectProblem(res, 415);
    expect(h.blobs.keys()).toEqual([]);
  });

  it('refuses more bytes than were signed with 413 and stores nothing', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes);
    const more = new Uint8Array(bytes.byteLength + 1);
    more.set(bytes);
    await expectProblem(await putBytes(h, upload.url, more), 413, 'file-too-large');
    expect(h.blobs.keys()).toEqual([]);
    expect((await getPhoto(h, photo.id)).status).toBe('pending');
  });

  it('refuses more bytes than were signed even when they stream without a Content-Length', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { upload } = await registerPng(h, bytes);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.enqueue(new Uint8Array(10));
        controller.close();
      },
    });
    const res = await h.app.request(upload.url, {
      method: 'PUT',
      headers: { 'Content-Type': 'image/png' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 413, 'file-too-large');
    expect(h.blobs.keys()).toEqual([]);
  });

  it('refuses fewer bytes than were signed with 400 and stores nothing', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes);
    const body = await expectProblem(
      await putBytes(h, upload.url, bytes.subarray(0, bytes.byteLength - 1)),
      400,
    );
    expect(body.detail).toContain(String(bytes.byteLength));
    expect(h.blobs.keys()).toEqual([]);
    expect((await getPhoto(h, photo.id)).status).toBe('pending');
  });

  it('refuses a tampered signature, size or type with 403 and stores nothing', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { upload } = await registerPng(h, bytes);
    const url = new URL(upload.url, 'http://localhost');
    const sig = url.searchParams.get('sig') ?? '';
    const tampered = [
      ['sig', (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1)],
      ['len', String(bytes.byteLength + 100)],
      ['ct', 'image/jpeg'],
      ['exp', String(Number(url.searchParams.get('exp')) + 3600)],
    ];
    for (const [name, value] of tampered) {
      const altered = new URL(url);
      altered.searchParams.set(name as string, value as string);
      const contentType = name === 'ct' ? 'image/jpeg' : 'image/png';
      const body = name === 'len' ? new Uint8Array(bytes.byteLength + 100) : bytes;
      await expectProblem(
        await putBytes(h, `${altered.pathname}${altered.search}`, body, contentType),
        403,
        'invalid-signature',
      );
    }
    const unsigned = await putBytes(h, url.pathname, bytes);
    await expectProblem(unsigned, 403, 'invalid-signature');
    expect(h.blobs.keys()).toEqual([]);
  });

  it('refuses an expired upload URL with 403 and stores nothing', async () => {
    const h = createAppHarness({ uploadTtlSeconds: 60 });
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes);
    h.clock.advance(61_000);
    const body = await expectProblem(await putBytes(h, upload.url, bytes), 403, 'invalid-signature');
    expect(body.detail).toMatch(/expired/);
    expect(h.blobs.keys()).toEqual([]);
    expect((await getPhoto(h, photo.id)).status).toBe('pending');
  });

  it('refuses a PUT URL used for another key with 403', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const first = await registerPng(h, bytes, 'alice');
    const second = await registerPng(h, bytes, 'alice');
    const { search } = new URL(first.upload.url, 'http://localhost');
    const otherPath = new URL(second.upload.url, 'http://localhost').pathname;
    await expectProblem(await putBytes(h, `${otherPath}${search}`, bytes), 403, 'invalid-signature');
    // Nor can it be aimed at another owner's key or at a rendition key.
    const bobs = otherPath.replace('/originals/alice/', '/originals/bob/');
    await expectProblem(await putBytes(h, `${bobs}${search}`, bytes), 403, 'invalid-signature');
    expect(h.blobs.keys()).toEqual([]);
  });

  it('refuses a signed GET URL used as an upload target with 403', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo } = await registerPng(h, bytes);
    const getUrl = await h.signer.signGet(`originals/dev/${photo.id}`, { contentType: 'image/png' });
    await expectProblem(await putBytes(h, getUrl, bytes), 403, 'invalid-signature');
    expect(h.blobs.keys()).toEqual([]);
  });

  it('refuses an upload whose photo was deleted meanwhile with 404 and stores nothing', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes);
    expect((await h.app.request(`/photos/${photo.id}`, { method: 'DELETE' })).status).toBe(204);
    await expectProblem(await putBytes(h, upload.url, bytes), 404, 'photo-not-found');
    expect(h.blobs.keys()).toEqual([]);
  });

  it('refuses other bytes sent to a used upload URL with 409 and keeps the original and its renditions', async () => {
    const h = createAppHarness();
    const first = tinyPng({ width: 40, height: 30 });
    const { photo, upload } = await registerPng(h, first);
    expect((await putBytes(h, upload.url, first)).status).toBe(204);
    // Same length, so only the content differs from what the URL was signed for.
    const other = tinyPng({ width: 40, height: 30, seed: 2 });
    expect(other.byteLength).toBe(first.byteLength);

    await expectProblem(await putBytes(h, upload.url, other), 409, 'upload-already-received');
    await h.drain();
    await expectProblem(await putBytes(h, upload.url, other), 409, 'upload-already-received');

    expect((await h.blobs.get(`originals/dev/${photo.id}`))?.bytes).toEqual(first);
    expect(await getPhoto(h, photo.id)).toMatchObject({ status: 'ready', width: 40, height: 30 });
    expect(h.queue.waiting).toEqual([]);
  });

  it('takes a repeated PUT of the same bytes as the same upload, before and after processing', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes);
    expect((await putBytes(h, upload.url, bytes)).status).toBe(204);
    expect((await putBytes(h, upload.url, bytes)).status).toBe(204);
    expect((await getPhoto(h, photo.id)).status).toBe('processing');
    expect(h.queue.waiting).toHaveLength(1);
    await h.drain();
    expect((await putBytes(h, upload.url, bytes)).status).toBe(204);
    expect((await getPhoto(h, photo.id)).status).toBe('ready');
    expect(h.queue.waiting).toEqual([]);
  });
});

describe('GET /files/...', () => {
  it('serves a rendition with its type, nosniff and a long cache lifetime', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes);
    await putBytes(h, upload.url, bytes);
    await h.drain();
    const ready = await getPhoto(h, photo.id);
    for (const preset of ['thumb', 'preview', 'large']) {
      const url = ready.urls?.thumbnails[preset] as string;
      expect(url).toMatch(/^\/files\/renditions\//);
      const res = await h.app.request(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const cache = res.headers.get('cache-control') ?? '';
      expect(Number(/max-age=(\d+)/.exec(cache)?.[1])).toBeGreaterThanOrEqual(31_536_000);
      const stored = await h.blobs.get(`renditions/dev/${photo.id}/${preset}.webp`);
      expect(new Uint8Array(await res.arrayBuffer())).toEqual(stored?.bytes);
    }
  });

  it('serves an original with its sniffed type, nosniff and its download name', async () => {
    const h = createAppHarness();
    const bytes = tinyPng();
    const { photo, upload } = await registerPng(h, bytes, 'dev', 'Strand "2026".png');
    await putBytes(h, upload.url, bytes);
    const url = (await h.app.request(`/photos/${photo.id}/original`)).headers.get('location') as string;
    const res = await h.app.request(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-disposition')).toContain("filename*=UTF-8''Strand%20%222026%22.png");
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(bytes);
  });

  it('refuses a bad signature, an altered key or no signature with 403', async () => {
    const h = createAppHarness();
    const key = 'renditions/dev/0190f3a2-7b1c-7d2e-8f3a-0123456789ab/thumb.webp';
    await h.blobs.put(key, new Uint8Array([1, 2, 3]), { contentType: 'image/webp' });
    const url = await h.signer.signGet(key);
    const [path, query] = url.split('?') as [string, string];
    await expectProblem(
      await h.app.request(`${path}?${query.replace(/sig=(.)/, (_, c) => `sig=${c === 'A' ? 'B' : 'A'}`)}`),
      403,
      'invalid-signature',
    );
    await expectProblem(await h.app.request(`${path.replace('thumb', 'large')}?${query}`), 403);
    await expectProblem(await h.app.request(path), 403);
    await expectProblem(await h.app.request('/files/%E0%A4%A?exp=1&sig=abc'), 403);
    expect((await h.app.request(url)).status).toBe(200);
  });

  it('refuses an expired URL with 403', async () => {
    const h = createAppHarness({ getTtlSeconds: 30 });
    const key = 'renditions/dev/0190f3a2-7b1c-7d2e-8f3a-0123456789ab/thumb.webp';
    await h.blobs.put(key, new Uint8Array([1]), { contentType: 'image/webp' });
    const url = await h.signer.signGet(key);
    // A GET URL lives at least its TTL and at most 1.25 times it (expiries are rounded up).
    h.clock.advance(38_000);
    const body = await expectProblem(await h.app.request(url), 403, 'invalid-signature');
    expect(body.detail).toMatch(/expired/);
  });

  it('answers 404 for a validly signed URL of a missing object', async () => {
    const h = createAppHarness();
    const url = await h.signer.signGet('renditions/dev/0190f3a2-7b1c-7d2e-8f3a-0123456789ab/thumb.webp');
    await expectProblem(await h.app.request(url), 404, 'file-not-found');
  });
});
