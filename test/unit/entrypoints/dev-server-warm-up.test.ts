import { afterEach, describe, expect, it } from 'vitest';
import type { PhotoJson } from '../../../src/entrypoints/http/schemas.js';
import type { DevServer } from '../../../src/entrypoints/node/dev-server.js';
import { startLocalDevServer } from '../../support/dev-server.js';
import { photoJpeg } from '../../support/images.js';

/**
 * The image warm-up `npm run dev` starts once listening: it leaves the server
 * serving, and an upload that arrives while it runs waits for it in the
 * worker's queue and comes out ready. How much faster the first thumbnail
 * comes is measured by bench/cold.ts, not here.
 */

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function upload(s: DevServer): Promise<string> {
  const form = new FormData();
  const bytes = await photoJpeg({ width: 640, height: 480 });
  form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), 'first.jpg');
  const res = await fetch(`${s.url}/photos`, { method: 'POST', body: form, headers: { 'X-Owner-Id': 'wu' } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { photo: PhotoJson }).photo.id;
}

describe("the dev server's image warm-up", () => {
  it('serves while it runs, and the upload that arrives meanwhile comes out ready', async () => {
    server = await startLocalDevServer();
    const warming = server.warmImages();
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    const id = await upload(server);
    await warming;
    await server.settled();

    const photo = (await (
      await fetch(`${server.url}/photos/${id}`, { headers: { 'X-Owner-Id': 'wu' } })
    ).json()) as PhotoJson;
    expect(photo.status).toBe('ready');
    expect(Object.keys(photo.urls?.thumbnails ?? {}).sort()).toEqual(['large', 'preview', 'thumb']);
  }, 60_000);
});
