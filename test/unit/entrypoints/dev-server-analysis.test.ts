import { afterEach, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../../src/domain/limits.js';
import type { PhotoJson } from '../../../src/entrypoints/http/schemas.js';
import type { DevServer } from '../../../src/entrypoints/node/dev-server.js';
import { startLocalDevServer } from '../../support/dev-server.js';
import { photoJpeg } from '../../support/images.js';
import { analyses, ScriptedImageAnalyzer } from '../../support/scripted-image-analyzer.js';

/**
 * The dev server's analysis consumer: its own queue behind the in-process bus,
 * drained by AnalyzeMedia with the analyser it was given (here a scripted one;
 * the local models are tested on real photographs on their own), beside the
 * real wasm-vips thumbnail worker.
 */

let server: DevServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function upload(s: DevServer, name: string): Promise<string> {
  const form = new FormData();
  const bytes = await photoJpeg({ width: 640, height: 480 });
  form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), name);
  const res = await fetch(`${s.url}/photos`, { method: 'POST', body: form, headers: { 'X-Owner-Id': 'mp' } });
  expect(res.status).toBe(202);
  return ((await res.json()) as { photo: PhotoJson }).photo.id;
}

async function settled(s: DevServer): Promise<void> {
  await Promise.all([s.queue.onIdle(), s.analysisQueue?.onIdle()]);
}

const get = async (s: DevServer, path: string) =>
  (await (await fetch(`${s.url}${path}`, { headers: { 'X-Owner-Id': 'mp' } })).json()) as never;

describe('the dev server analyses uploads when given an analyzer', () => {
  it('labels and moderates an upload, and lists it by label', async () => {
    const analyzer = new ScriptedImageAnalyzer(analyses.dog, analyses.explicit);
    server = await startLocalDevServer({ analyzer });
    const dog = await upload(server, 'dog.jpg');
    await settled(server);
    const flagged = await upload(server, 'other.jpg');
    await settled(server);

    const photo: PhotoJson = await get(server, `/photos/${dog}`);
    expect(photo.status).toBe('ready');
    expect(photo.labels?.map((l) => l.name)).toEqual(['Animal', 'Dog', 'Pet', 'Grass']);
    expect(photo.moderation?.verdict).toBe('allow');
    const other: PhotoJson = await get(server, `/photos/${flagged}`);
    expect(other.moderation?.verdict).toBe('block');
    // The analyser was handed the analysis rendition: a JPEG of at most 1024 px.
    expect(analyzer.seen.map((i) => i.contentType)).toEqual(['image/jpeg', 'image/jpeg']);

    const byLabel: { items: PhotoJson[] } = await get(server, '/photos?label=dog');
    expect(byLabel.items.map((p) => p.id)).toEqual([dog]);
    // The page is told to wait for analyses.
    expect(await get(server, '/config.json')).toMatchObject({ analysis: true, video: true });
  }, 30_000);

  it('retries an analysis that fails as a service does, without holding up the thumbnail', async () => {
    const analyzer = new ScriptedImageAnalyzer({ throw: 'model crashed' }, analyses.dog);
    server = await startLocalDevServer({ analyzer });
    const id = await upload(server, 'dog.jpg');
    await server.queue.onIdle();
    expect(((await get(server, `/photos/${id}`)) as PhotoJson).status).toBe('ready');
    await settled(server);
    const photo: PhotoJson = await get(server, `/photos/${id}`);
    expect(photo.labels?.map((l) => l.name)).toContain('Dog');
    expect(analyzer.seen).toHaveLength(2);
  }, 30_000);

  it('has no analysis queue without an analyzer, and leaves photos unanalysed', async () => {
    const limits = { ...defaultLimits, maxOriginalBytes: 2_000_000 };
    server = await startLocalDevServer({ limits });
    expect(server.analysisQueue).toBeUndefined();
    // The page is told the limits the server enforces, so it refuses a larger file before sending it.
    expect(await get(server, '/config.json')).toMatchObject({
      analysis: false,
      limits: { maxOriginalBytes: 2_000_000, video: { maxBytes: defaultLimits.video.maxBytes } },
    });
    const id = await upload(server, 'plain.jpg');
    await settled(server);
    const photo: PhotoJson = await get(server, `/photos/${id}`);
    expect(photo.status).toBe('ready');
    expect(photo.labels).toBeUndefined();
    expect(photo.analysis).toBeUndefined();
  }, 30_000);
});
