import {
  createExecutionContext,
  createScheduledController,
  SELF,
  waitOnExecutionContext,
} from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { D1PhotoRepository } from '../../src/adapters/cloudflare/d1-photo-repository.js';
import { R2MultipartUploads } from '../../src/adapters/cloudflare/r2-multipart-uploads.js';
import { HmacUrlSigner } from '../../src/adapters/crypto/hmac-url-signer.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import type { PhotoId } from '../../src/domain/photo-id.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import worker from '../../src/entrypoints/cloudflare/worker.js';
import { pendingPhoto, photoIdAt, uniqueOwner } from '../support/fixtures.js';
import { paddedJpeg } from '../support/padded-jpeg.js';
import { eventually, fromBase64, recorded } from './support.js';

const images = inject('workerImages');
const origin = 'http://pixport.test';

const api = (owner: string, path: string, init: RequestInit = {}) =>
  SELF.fetch(`${origin}${path}`, {
    ...init,
    headers: { 'X-Owner-Id': owner, ...(init.headers as Record<string, string>) },
    redirect: 'manual',
  });

interface PhotoJson {
  id: string;
  status: string;
  width?: number;
  height?: number;
  placeholder?: string;
  renditions?: { preset: string; width: number; height: number; format: string }[];
}

/** Registers an upload and PUTs the bytes to its signed /files URL, as the gallery page does. */
async function upload(owner: string, bytes: Uint8Array, contentType: string): Promise<string> {
  const registered = await api(owner, '/uploads', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filename: 'photo', contentType, size: bytes.byteLength }),
  });
  expect(registered.status).toBe(201);
  const { photo, upload: target } = (await registered.json()) as {
    photo: PhotoJson;
    upload: { method: string; url: string; headers: Record<string, string> };
  };
  expect(target.method).toBe('PUT');
  const put = await SELF.fetch(new URL(target.url, origin).toString(), {
    method: 'PUT',
    headers: target.headers,
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  expect(put.status).toBe(204);
  return photo.id;
}

const settled = (owner: string, id: string) =>
  eventually(async () => {
    const photo = (await (await api(owner, `/photos/${id}`)).json()) as PhotoJson;
    return photo.status === 'ready' || photo.status === 'failed' ? photo : undefined;
  });

describe('the Worker in workerd', () => {
  it('takes a signed upload, renders it on the queue, lists it, serves it and deletes it', async () => {
    const owner = uniqueOwner('cf');
    const id = await upload(owner, fromBase64(images.portraitJpeg), 'image/jpeg');

    const photo = await settled(owner, id);
    expect(photo.status).toBe('ready');
    // Stored 1600x1200 with EXIF orientation 6: shown upright, 1200x1600.
    expect([photo.width, photo.height]).toEqual([1200, 1600]);
    expect(photo.renditions?.map((r) => [r.preset, r.width, r.height, r.format])).toEqual([
      ['thumb', 256, 256, 'webp'],
      ['preview', 768, 1024, 'webp'],
      ['large', 1200, 1600, 'webp'],
    ]);
    expect(photo.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);

    const list = (await (await api(owner, '/photos')).json()) as { items: PhotoJson[] };
    expect(list.items.map((p) => p.id)).toEqual([id]);

    const redirect = await api(owner, `/photos/${id}/thumbnails/thumb`);
    expect(redirect.status).toBe(302);
    const thumb = await SELF.fetch(new URL(redirect.headers.get('location') ?? '', origin).toString());
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const bytes = new Uint8Array(await thumb.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(8, 12))).toBe('WEBP');

    expect((await api(owner, `/photos/${id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await api(owner, `/photos/${id}`)).status).toBe(404);
    expect((await env.PHOTOS.list({ prefix: `originals/${owner}/` })).objects).toEqual([]);
    expect((await env.PHOTOS.list({ prefix: `renditions/${owner}/` })).objects).toEqual([]);
  });

  it("hides one owner's photos from another and refuses a tampered signed URL", async () => {
    const owner = uniqueOwner('cf');
    const id = await upload(owner, fromBase64(images.squarePng), 'image/png');
    await settled(owner, id);
    expect((await api(uniqueOwner('other'), `/photos/${id}`)).status).toBe(404);
    const redirect = await api(owner, `/photos/${id}/original`);
    const url = new URL(redirect.headers.get('location') ?? '', origin);
    url.pathname = url.pathname.replace(owner, uniqueOwner('other'));
    expect([401, 403]).toContain((await SELF.fetch(url.toString())).status);
  });

  it('refuses a video with a clear unsupported-media-type problem: the Worker has no transcoder yet', async () => {
    const owner = uniqueOwner('video');
    const registered = await api(owner, '/uploads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: 'clip.mp4', contentType: 'video/mp4', size: 1000 }),
    });
    expect(registered.status).toBe(415);
    expect(await registered.json()).toMatchObject({
      code: 'unsupported-media-type',
      detail: expect.stringMatching(/^videos are not supported on the Cloudflare deployment yet/),
    });
    // Sent directly, it is known as a video by its bytes and refused the same way.
    const mov = Uint8Array.from([
      0,
      0,
      0,
      0x14,
      ...new TextEncoder().encode('ftypqt  \0\0\0\0qt  '),
      1,
      2,
      3,
    ]);
    const direct = await api(owner, '/photos?filename=clip.mov', {
      method: 'POST',
      headers: { 'Content-Type': 'video/quicktime' },
      body: mov,
    });
    expect(direct.status).toBe(415);
    const listed = (await (await api(owner, '/photos')).json()) as { items: unknown[] };
    expect(listed.items).toEqual([]);
  });

  it('tells the gallery page its auth mode, and serves /health without identity', async () => {
    expect(await (await SELF.fetch(`${origin}/config.json`)).json()).toMatchObject({ auth: { mode: 'dev' } });
    expect((await SELF.fetch(`${origin}/health`)).status).toBe(200);
  });

  it('dead-letters a poisoned job after its retries, without holding back the others', async () => {
    const owner = uniqueOwner('poison');
    // A record that every delivery fails on: it reads, but is no photo.
    const poisoned = photoIdAt();
    await env.DB.prepare('INSERT INTO photos (owner_id, photo_id, version, data) VALUES (?1, ?2, 2, ?3)')
      .bind(owner, poisoned, '{}')
      .run();
    const poison = { type: 'thumbnail-job', ownerId: owner, photoId: poisoned };
    const malformed = { type: 'something-else', owner };
    await env.THUMBNAIL_JOBS.sendBatch([{ body: poison as never }, { body: malformed as never }]);
    const good = await upload(owner, fromBase64(images.squarePng), 'image/png');

    expect((await settled(owner, good)).status).toBe('ready');
    const dead = await eventually(async () => {
      const bodies = await recorded('thumbnails-dlq');
      return bodies.some((b) => JSON.stringify(b) === JSON.stringify(poison)) ? bodies : undefined;
    });
    // A body that is no job is acknowledged and logged, not retried into the DLQ.
    expect(dead.some((b) => JSON.stringify(b) === JSON.stringify(malformed))).toBe(false);
  });
});

const MiB = 1024 * 1024;

const json = (owner: string, method: string, path: string, body: unknown) =>
  api(owner, path, { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Signs parts through the API and PUTs them to their /files part URLs; their ETags. */
async function sendParts(owner: string, id: string, bytes: Uint8Array, partSize: number, numbers: number[]) {
  const signed = await json(owner, 'POST', `/uploads/${id}/parts`, { partNumbers: numbers });
  expect(signed.status).toBe(200);
  const { parts } = (await signed.json()) as { parts: { partNumber: number; url: string }[] };
  const etags: { partNumber: number; etag: string }[] = [];
  for (const part of parts) {
    const body = bytes.slice((part.partNumber - 1) * partSize, part.partNumber * partSize);
    const res = await SELF.fetch(new URL(part.url, origin).toString(), { method: 'PUT', body });
    expect(res.status).toBe(200);
    etags.push({ partNumber: part.partNumber, etag: res.headers.get('etag') ?? '' });
  }
  return etags;
}

const recordedParts = async (uploadId: string) =>
  (await env.DB.prepare('SELECT part_number FROM multipart_parts WHERE upload_id = ?1').bind(uploadId).all())
    .results;

describe('multipart uploads in the Worker (R2 multipart, parts through /files)', () => {
  it('takes the parts, resumes from what was received, completes, and renders the photo', async () => {
    const owner = uniqueOwner('cf-multipart');
    const bytes = paddedJpeg(fromBase64(images.portraitJpeg), 6 * MiB + 1000);
    const registered = await json(owner, 'POST', '/uploads', {
      filename: 'big.jpg',
      contentType: 'image/jpeg',
      size: bytes.byteLength,
    });
    expect(registered.status).toBe(201);
    const { photo, upload } = (await registered.json()) as {
      photo: PhotoJson;
      upload: { method: string; partSize: number; partCount: number };
    };
    expect(upload).toMatchObject({ method: 'MULTIPART', partSize: 5 * MiB, partCount: 2 });

    const second = await sendParts(owner, photo.id, bytes, upload.partSize, [2]);
    const status = (await (await api(owner, `/uploads/${photo.id}`)).json()) as {
      receivedParts: { partNumber: number; etag: string; size: number }[];
    };
    expect(status.receivedParts).toEqual([
      { partNumber: 2, etag: second[0]?.etag, size: bytes.byteLength - 5 * MiB },
    ]);
    const parts = [...(await sendParts(owner, photo.id, bytes, upload.partSize, [1])), ...second];

    const wrong = await json(owner, 'POST', `/uploads/${photo.id}/complete`, {
      parts: parts.map((p) => (p.partNumber === 2 ? { ...p, etag: '"nope"' } : p)),
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ code: 'upload-part-mismatch', partNumber: 2 });

    const done = await json(owner, 'POST', `/uploads/${photo.id}/complete`, { parts });
    expect(done.status).toBe(202);
    const ready = await settled(owner, photo.id);
    expect(ready).toMatchObject({ status: 'ready', width: 1200, height: 1600 });
    const original = await env.PHOTOS.get(StorageKeys.original(owner, photo.id as PhotoId));
    expect(new Uint8Array((await original?.arrayBuffer()) ?? new ArrayBuffer(0))).toEqual(bytes);
    expect(
      (
        await env.DB.prepare('SELECT * FROM multipart_uploads WHERE object_key = ?1')
          .bind(StorageKeys.original(owner, photo.id as PhotoId))
          .all()
      ).results,
    ).toEqual([]);
    expect((await api(owner, `/photos/${photo.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('aborts an upload: no object, no part left in R2 or D1, the photo gone', async () => {
    const owner = uniqueOwner('cf-abort');
    const bytes = paddedJpeg(fromBase64(images.portraitJpeg), 6 * MiB + 1000);
    const registered = await json(owner, 'POST', '/uploads', {
      filename: 'big.jpg',
      contentType: 'image/jpeg',
      size: bytes.byteLength,
    });
    const { photo } = (await registered.json()) as { photo: PhotoJson };
    await sendParts(owner, photo.id, bytes, 5 * MiB, [1]);
    const stored = await new D1PhotoRepository(env.DB).get(owner, photo.id as PhotoId);
    const uploadId = stored?.upload?.multipart?.uploadId ?? '';
    expect(await recordedParts(uploadId)).toHaveLength(1);

    expect((await api(uniqueOwner('other'), `/uploads/${photo.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await api(owner, `/uploads/${photo.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await recordedParts(uploadId)).toEqual([]);
    expect((await env.PHOTOS.list({ prefix: `originals/${owner}/` })).objects).toEqual([]);
    expect((await api(owner, `/uploads/${photo.id}`)).status).toBe(404);
    // R2 itself no longer has the upload.
    const key = StorageKeys.original(owner, photo.id as PhotoId);
    await expect(env.PHOTOS.resumeMultipartUpload(key, uploadId).uploadPart(2, 'late')).rejects.toThrow();
  });

  it('sweeps stale uploads on the cron trigger: past their grace period, with their parts', async () => {
    const owner = uniqueOwner('cf-sweep');
    const photos = new D1PhotoRepository(env.DB);
    const signer = new HmacUrlSigner(
      { secret: String(env.URL_SIGNING_SECRET), baseUrl: '/files' },
      new SystemClock(),
    );
    const uploads = new R2MultipartUploads(env.PHOTOS, env.DB, signer);
    const past = new Date(Date.now() - 60_000).toISOString();
    const later = new Date(Date.now() + 3600_000).toISOString();

    const stale = pendingPhoto(owner);
    const staleKey = StorageKeys.original(owner, stale.id);
    const uploadId = await uploads.create(staleKey, { contentType: 'image/jpeg' });
    await uploads.putPart(staleKey, uploadId, 1, new Uint8Array(100));
    await photos.save({
      ...stale,
      upload: { expiresAt: past, purgeAt: past, multipart: { uploadId, partSize: 5 * MiB, partCount: 2 } },
    });
    const inGrace = pendingPhoto(owner);
    await photos.save({ ...inGrace, upload: { expiresAt: past, purgeAt: later } });

    const ctx = createExecutionContext();
    worker.scheduled(createScheduledController({ cron: '17 * * * *' }), env, ctx);
    await waitOnExecutionContext(ctx);

    expect(await photos.get(owner, stale.id)).toBeUndefined();
    expect(await uploads.listParts(staleKey, uploadId)).toBeUndefined();
    expect(await photos.get(owner, inGrace.id)).toBeDefined();
    // Hidden from the gallery all the same: its upload has expired.
    expect(((await (await api(owner, '/photos')).json()) as { items: unknown[] }).items).toEqual([]);
  });
});
