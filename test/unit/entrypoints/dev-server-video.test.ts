import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediabunnyMediaProbe } from '../../../src/adapters/video/mediabunny-media-probe.js';
import type { PhotoJson } from '../../../src/entrypoints/http/schemas.js';
import type { DevServer } from '../../../src/entrypoints/node/dev-server.js';
import { startLocalDevServer } from '../../support/dev-server.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { photoJpeg } from '../../support/images.js';
import { analyses, ScriptedImageAnalyzer } from '../../support/scripted-image-analyzer.js';
import { TEST_VIDEO_MS, type TestVideo, testVideo } from '../../support/videos.js';

/**
 * `npm run dev` takes a video end to end: the dev server with its real
 * adapters (wasm-vips, the mediabunny probe, the ffmpeg transcoder) and a
 * scripted analyser, driven through HTTP as the gallery page drives it. Each
 * test works as its own owner on one server.
 */

let server: DevServer;
const analyzer = new ScriptedImageAnalyzer(analyses.dog);
const probe = new MediabunnyMediaProbe();

beforeAll(async () => {
  server = await startLocalDevServer({ analyzer });
}, 30_000);

afterAll(async () => {
  await server?.close();
});

const api = (owner: string, path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { 'X-Owner-Id': owner, ...(init.headers as Record<string, string>) },
  });

const photoOf = async (owner: string, id: string): Promise<PhotoJson> =>
  (await (await api(owner, `/photos/${id}`)).json()) as PhotoJson;

/** A direct upload (`POST /photos`, raw body): the type is sniffed from the bytes. */
async function post(owner: string, bytes: Uint8Array, type: string, filename: string): Promise<Response> {
  return api(owner, `/photos?filename=${filename}`, {
    method: 'POST',
    headers: { 'Content-Type': type },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
}

/** Registers an upload with the declared type and PUTs the bytes to its signed URL, as the page does. */
async function upload(
  owner: string,
  bytes: Uint8Array,
  contentType: string,
  filename: string,
): Promise<string> {
  const registered = await api(owner, '/uploads', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ filename, contentType, size: bytes.byteLength }),
  });
  expect(registered.status).toBe(201);
  const { photo, upload: target } = (await registered.json()) as {
    photo: PhotoJson;
    upload: { method: string; url: string; headers: Record<string, string> };
  };
  expect(photo.kind).toBe('video');
  const put = await fetch(new URL(target.url, server.url), {
    method: 'PUT',
    headers: target.headers,
    body: bytes as Uint8Array<ArrayBuffer>,
  });
  expect(put.status).toBe(204);
  return photo.id;
}

const bytesOf = async (url: string, init?: RequestInit) => {
  const res = await fetch(new URL(url, server.url), init);
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
};

describe('npm run dev takes a video end to end', () => {
  it('makes an MP4, a rotated MOV and a WebM ready: duration, display size, poster renditions, a playable MP4', async () => {
    const owner = uniqueOwner('video');
    const direct = await post(owner, await testVideo('mp4'), 'video/mp4', 'clip.mp4');
    expect(direct.status).toBe(202);
    const mp4 = ((await direct.json()) as { photo: PhotoJson }).photo.id;
    const mov = await upload(owner, await testVideo('rotated-mov'), 'video/quicktime', 'rotated.mov');
    const webm = await upload(owner, await testVideo('webm'), 'video/webm', 'clip.webm');
    const jpeg = await post(owner, await photoJpeg({ width: 640, height: 480 }), 'image/jpeg', 'photo.jpg');
    expect(jpeg.status).toBe(202);
    await server.settled();

    // `/photos` lists photos and videos alike, newest first.
    const list = (await (await api(owner, '/photos')).json()) as { items: PhotoJson[] };
    expect(list.items.map((p) => [p.kind, p.status])).toEqual([
      ['photo', 'ready'],
      ['video', 'ready'],
      ['video', 'ready'],
      ['video', 'ready'],
    ]);

    const expected: [string, string, number, number, boolean][] = [
      [mp4, 'video/mp4', 320, 240, true],
      [mov, 'video/quicktime', 240, 320, true],
      [webm, 'video/webm', 320, 240, true],
    ];
    for (const [id, contentType, width, height, sound] of expected) {
      const video = await photoOf(owner, id);
      expect(video).toMatchObject({ kind: 'video', status: 'ready', contentType, width, height });
      expect(Math.abs((video.durationMs ?? 0) - TEST_VIDEO_MS)).toBeLessThanOrEqual(100);
      expect(video.placeholder).toBeTruthy();
      expect(video.renditions?.map((r) => r.preset)).toEqual(['thumb', 'preview', 'large']);
      expect(video.renditions?.find((r) => r.preset === 'large')).toMatchObject({ width, height });
      // Analysed once, after the transcode, from its poster and three frames sampled through it.
      expect(video.labels?.map((l) => l.name)).toContain('Dog');
      const sampled = analyzer.seen.filter((i) => i.key.includes(id));
      expect(sampled).toHaveLength(4);
      expect(server.blobs.keys(`renditions/${owner}/${id}/frame-`)).toHaveLength(3);

      const thumb = await bytesOf(video.urls?.thumbnails.thumb as string);
      expect(thumb.res.headers.get('content-type')).toBe('image/webp');

      // The MP4 plays in any browser: H.264 (+ AAC), upright, as long as the original.
      const mp4Url = video.urls?.video?.mp4 as string;
      const { res, bytes } = await bytesOf(mp4Url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('video/mp4');
      const played = await probe.probe(bytes);
      expect(played.ok && played.value).toMatchObject({
        container: 'mp4',
        videoCodec: 'avc',
        rotation: 0,
        displayWidth: width,
        displayHeight: height,
        hasAudio: sound,
        ...(sound ? { audioCodec: 'aac' } : {}),
      });
      expect(
        Math.abs((played.ok ? played.value.durationMs : 0) - (video.durationMs ?? 0)),
      ).toBeLessThanOrEqual(100);

      // A player seeks with ranges.
      const seek = await bytesOf(mp4Url, { headers: { Range: 'bytes=1000-1999' } });
      expect(seek.res.status).toBe(206);
      expect(seek.res.headers.get('content-range')).toBe(`bytes 1000-1999/${bytes.byteLength}`);
      expect(seek.bytes).toEqual(bytes.subarray(1000, 2000));
    }
    // Thirteen images analysed: each video's poster and 3 frames (the job announced at upload
    // skipped it, still transcoding) and the photo.
    expect(analyzer.seen.filter((i) => i.key.includes(owner))).toHaveLength(13);

    // Deleting leaves nothing of them: original, MP4, poster, frames, renditions, analysis image.
    for (const item of list.items)
      expect((await api(owner, `/photos/${item.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(server.blobs.keys().filter((k) => k.includes(`/${owner}/`))).toEqual([]);
  }, 60_000);

  it('fails a damaged MP4 and a 4K one with their reasons, and refuses an AVI', async () => {
    const owner = uniqueOwner('video');
    const refused = async (name: TestVideo, declared = 'video/mp4') =>
      upload(owner, await testVideo(name), declared, name);
    const corrupt = await refused('corrupt-mp4');
    const fourK = await refused('over-limit-mp4');
    // An AVI declared as an MP4 gets as far as its magic bytes.
    const aviAsMp4 = await refused('avi');
    // An AVI declared as one is refused at registration, and sent directly, by its bytes.
    const avi = await testVideo('avi');
    const registered = await api(owner, '/uploads', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ filename: 'clip.avi', contentType: 'video/x-msvideo', size: avi.byteLength }),
    });
    expect(registered.status).toBe(415);
    expect(((await registered.json()) as { detail: string }).detail).toMatch(
      /^video\/x-msvideo is not an accepted/,
    );
    const direct = await post(owner, avi, 'video/x-msvideo', 'clip.avi');
    expect(direct.status).toBe(415);
    expect(((await direct.json()) as { detail: string }).detail).toBe(
      'the file is AVI, not an accepted image or video',
    );
    await server.settled();

    expect((await photoOf(owner, corrupt)).failure).toEqual({
      code: 'corrupt-video',
      message: 'the MP4 has no tracks: it is cut short or damaged',
    });
    expect(await photoOf(owner, fourK)).toMatchObject({
      status: 'failed',
      width: 4096,
      height: 2304,
      failure: {
        code: 'video-too-large',
        message: 'the picture is 4096x2304, over the limit of 3840x2160 (either way up)',
      },
    });
    expect((await photoOf(owner, aviAsMp4)).failure).toEqual({
      code: 'unsupported-video',
      message:
        'the file is AVI, which is not an accepted video format; send MP4, MOV, WebM or Matroska (MKV)',
    });
    // A failed video keeps only its original, to download; deleting it leaves nothing.
    expect(server.blobs.keys(`renditions/${owner}/`)).toEqual([]);
    for (const id of [corrupt, fourK, aviAsMp4]) await api(owner, `/photos/${id}`, { method: 'DELETE' });
    expect(server.blobs.keys().filter((k) => k.includes(`/${owner}/`))).toEqual([]);
  });
});

describe('npm run dev without ffmpeg', () => {
  it('fails every video, saying there is no ffmpeg', async () => {
    const bare = await startLocalDevServer({ ffmpegPath: undefined });
    try {
      const owner = uniqueOwner('video');
      const res = await fetch(`${bare.url}/photos?filename=clip.mp4`, {
        method: 'POST',
        headers: { 'X-Owner-Id': owner, 'Content-Type': 'video/mp4' },
        body: (await testVideo('mp4')) as Uint8Array<ArrayBuffer>,
      });
      const { photo } = (await res.json()) as { photo: PhotoJson };
      await bare.settled();
      const failed = (await (
        await fetch(`${bare.url}/photos/${photo.id}`, { headers: { 'X-Owner-Id': owner } })
      ).json()) as PhotoJson;
      expect(failed).toMatchObject({
        kind: 'video',
        status: 'failed',
        failure: { code: 'transcode-failed' },
      });
      expect(failed.failure?.message).toMatch(/^no ffmpeg on this server/);
    } finally {
      await bare.close();
    }
  });
});
