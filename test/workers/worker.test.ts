import { SELF } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { photoIdAt, uniqueOwner } from '../support/fixtures.js';
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
