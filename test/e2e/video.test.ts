import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../src/domain/limits.js';
import type { PhotoJson } from '../../src/entrypoints/http/schemas.js';
import type { DevServer } from '../../src/entrypoints/node/dev-server.js';
import { launchChromium } from '../support/chromium.js';
import { startLocalDevServer } from '../support/dev-server.js';
import { testFfmpeg, testVideoPath } from '../support/videos.js';

/**
 * Videos in the gallery page, in a real browser (Debian's chromium, driven by
 * playwright-core) against the dev server with its ffmpeg: picked videos get
 * a tile with the browser's preview, then their poster and length; the viewer
 * plays the MP4 the server made, seeks from the keyboard, and fetches a fresh
 * URL when the signed one is refused; a video over the multipart threshold
 * goes by parts; a damaged one says why. The steps run in order and share one
 * page, like a person using it.
 *
 * The multipart threshold is 512 KiB and parts are 128 KiB, so the 3-second
 * test videos (under 100 KiB) go in one PUT and a 20-second one made here (over
 * 1 MiB) in parts.
 */

const ARTIFACTS = new URL('../../test-results/', import.meta.url);
const KiB = 1024;
const THRESHOLD = 512 * KiB;
const PART_BYTES = 128 * KiB;
const ORIGINAL_PUT = /\/files\/originals\/[^/]+\/[^/]+\?/;
const PART_PUT = /\/files\/originals\/[^/]+\/[^/]+\/parts\/(\d+)\?/;
const MP4_URL = /\/video\.mp4\?/;
const NO_TRACKS = 'the MP4 has no tracks: it is cut short or damaged';

let server: DevServer;
let browser: Browser;
let page: Page;
let dir: string;
const files = { mp4: '', mov: '', long: '', corrupt: '' };
const requests: Request[] = [];
const pageErrors: string[] = [];
/** The steps that refuse the signed MP4 URL on purpose set this: the browser logs the 403. */
let refusalsExpected = false;

const puts = (from: number, pattern: RegExp) =>
  requests.slice(from).filter((r) => r.method() === 'PUT' && pattern.test(r.url()));

async function listPhotos(): Promise<PhotoJson[]> {
  const res = await fetch(`${server.url}/photos?limit=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: PhotoJson[] }).items;
}

async function photoNamed(filename: string): Promise<PhotoJson> {
  const photo = (await listPhotos()).find((p) => p.filename === filename);
  if (!photo) throw new Error(`no ${filename}`);
  return photo;
}

/** Resolves once the tile of `filename` shows its (poster's) thumbnail, decoded. */
async function thumbnailLoaded(filename: string, timeout = 30_000): Promise<void> {
  await page.waitForFunction(
    (name) => {
      const img = [...document.querySelectorAll<HTMLImageElement>('.tile img')].find((i) => i.alt === name);
      return Boolean(img?.complete) && (img?.naturalWidth ?? 0) > 0;
    },
    filename,
    { timeout },
  );
}

/** The viewer's player, as the page has it. */
const player = () =>
  page.locator('#viewer-video').evaluate((v: HTMLVideoElement) => ({
    hidden: v.hidden,
    src: v.getAttribute('src') ?? '',
    networkState: v.networkState,
    poster: v.poster,
    readyState: v.readyState,
    paused: v.paused,
    muted: v.muted,
    currentTime: v.currentTime,
    duration: v.duration,
    videoWidth: v.videoWidth,
    videoHeight: v.videoHeight,
    focused: document.activeElement === v,
    fullscreen: document.fullscreenElement === v,
  }));

const currentTime = async () => (await player()).currentTime;

/** Opens the viewer from a ready video's tile and waits until its player knows the video's length. */
async function openVideo(name: string): Promise<void> {
  await page.getByRole('button', { name, exact: true }).click();
  await page.locator('#viewer[open]').waitFor();
  await expect.poll(async () => (await player()).readyState, { timeout: 10_000 }).toBeGreaterThanOrEqual(1);
}

async function closeViewer(): Promise<void> {
  await page.keyboard.press('Escape');
  await page.locator('#viewer:not([open])').waitFor({ state: 'attached' });
}

beforeAll(async () => {
  server = await startLocalDevServer({
    limits: { ...defaultLimits, multipartThresholdBytes: THRESHOLD, multipartPartBytes: PART_BYTES },
  });
  dir = await mkdtemp(join(tmpdir(), 'pixport-video-'));
  files.mp4 = await testVideoPath('mp4');
  files.mov = await testVideoPath('rotated-mov');
  files.corrupt = await testVideoPath('corrupt-mp4');
  // 20 seconds of busy picture at a high rate: over the threshold, and long enough to seek in.
  files.long = join(dir, 'long.mp4');
  await promisify(execFile)(testFfmpeg(), [
    ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
    ...['-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=30:duration=20'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-b:v', '600k', files.long],
  ]);

  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.on('request', (request) => requests.push(request));
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const refusal = /^Failed to load resource: the server responded with a status of 403/;
    if (!(refusalsExpected && refusal.test(message.text()))) pageErrors.push(message.text());
  });
  await mkdir(ARTIFACTS, { recursive: true });
  await page.goto(server.url);
  await page.getByLabel('Acting as').waitFor();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('videos in the gallery page', () => {
  it('offers videos in the picker, with their own limit', async () => {
    const accept = (await page.locator('#files').getAttribute('accept')) ?? '';
    for (const type of ['video/mp4', 'video/quicktime', 'video/webm', '.mkv']) {
      expect(accept.split(',')).toContain(type);
    }
    const hint = await page.locator('#dropzone label').textContent();
    expect(hint?.replace(/\s+/g, ' ')).toContain('videos (MP4, MOV, WebM, MKV) up to 2 GiB');
  });

  it('uploads an MP4 and a rotated MOV in one PUT each: a preview at once, then posters with their length', async () => {
    const mark = requests.length;
    // Storage holds the bytes until the tiles have been looked at.
    let release = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    await page.route(ORIGINAL_PUT, async (route) => {
      await held;
      await route.continue().catch(() => {});
    });

    await page.locator('#files').setInputFiles([files.mp4, files.mov]);

    // The MP4's tile shows its first frame, from the file, while its bytes are on the way.
    const uploading = page.locator('.tile', { hasText: 'clip.mp4' });
    await uploading.getByText('Uploading…').waitFor();
    await page.waitForFunction(() => {
      const tile = [...document.querySelectorAll('.tile')].find((t) => t.textContent?.includes('clip.mp4'));
      const preview = tile?.querySelector<HTMLVideoElement>('video.local-preview');
      return (preview?.readyState ?? 0) >= 2 && preview?.closest('.frame')?.classList.contains('loaded');
    });
    expect(await uploading.locator('video.local-preview').getAttribute('src')).toMatch(/^blob:.*#t=0\.1$/);
    // The MOV's tile: its first frame where this browser reads MOV, else a play glyph; either way a video.
    const mov = page.locator('.tile', { hasText: 'rotated.mov' });
    expect(await mov.locator('video.local-preview, .play-glyph').count()).toBeGreaterThan(0);
    await page.screenshot({ path: new URL('video-uploading-desktop.png', ARTIFACTS).pathname });

    release();
    await page.unroute(ORIGINAL_PUT);
    // Bytes landed: the transcode takes longer than a thumbnail, and the tile says which is under way.
    await uploading.getByText('Processing video…').waitFor();

    await thumbnailLoaded('clip.mp4');
    await thumbnailLoaded('rotated.mov');
    for (const name of ['clip.mp4', 'rotated.mov']) {
      const tile = page.locator('.tile', { hasText: name });
      expect(await tile.locator('.duration').textContent()).toBe('0:03');
      expect(await tile.locator('.duration').getAttribute('aria-hidden')).toBe('true');
      await page.getByRole('button', { name: `${name}, video, 3 seconds`, exact: true }).waitFor();
    }
    expect(puts(mark, ORIGINAL_PUT)).toHaveLength(2);
    expect(puts(mark, PART_PUT)).toHaveLength(0);
    expect((await listPhotos()).map((p) => [p.filename, p.kind, p.status])).toEqual([
      ['rotated.mov', 'video', 'ready'],
      ['clip.mp4', 'video', 'ready'],
    ]);
  });

  it('plays the MP4 in the viewer, fetching a fresh URL once when the signed one is refused', async () => {
    const photo = await photoNamed('clip.mp4');
    const mp4 = new URL(photo.urls?.video?.mp4 as string, server.url).pathname;
    const large = new URL(photo.urls?.thumbnails.large as string, server.url).pathname;
    let refused = 0;
    refusalsExpected = true;
    await page.route(MP4_URL, async (route) => {
      if (refused++ === 0) await route.fulfill({ status: 403, body: 'expired' });
      else await route.continue();
    });
    const mark = requests.length;

    await openVideo('clip.mp4, video, 3 seconds');
    const opened = await player();
    expect(opened).toMatchObject({ hidden: false, focused: true, paused: true });
    expect(new URL(opened.src).pathname).toBe(mp4);
    expect(new URL(opened.poster).pathname).toBe(large);
    expect(Math.abs(opened.duration - 3)).toBeLessThan(0.2);
    expect(refused).toBeGreaterThanOrEqual(2);
    const refetched = requests
      .slice(mark)
      .filter((r) => r.method() === 'GET' && new URL(r.url()).pathname === `/photos/${photo.id}`);
    expect(refetched).toHaveLength(1);
    expect(await page.locator('#viewer-caption').textContent()).toMatch(
      /^0:03 · 320 × 240 · \d+(\.\d)? KiB · video\/mp4$/,
    );
    expect(await page.locator('#viewer-image').isHidden()).toBe(true);
    expect(await page.locator('#viewer-keys').isVisible()).toBe(true);

    // K plays (the key is a user gesture: sound is allowed), and the picture moves on.
    await page.keyboard.press('k');
    await expect.poll(currentTime, { timeout: 10_000 }).toBeGreaterThan(0.5);
    const playing = await player();
    expect(playing.paused).toBe(false);
    expect(playing.readyState).toBeGreaterThanOrEqual(2);
    await page.screenshot({ path: new URL('video-viewer-desktop.png', ARTIFACTS).pathname });

    await closeViewer();
    // Closed: stopped, and its source let go, so nothing keeps downloading.
    expect(await player()).toMatchObject({ hidden: true, src: '', paused: true, networkState: 0 });
    await page.unroute(MP4_URL);
    refusalsExpected = false;
  });

  it('shows the rotated MOV upright: a portrait poster and picture', async () => {
    await openVideo('rotated.mov, video, 3 seconds');
    const { poster, videoWidth, videoHeight } = await player();
    expect([videoWidth, videoHeight]).toEqual([240, 320]);
    const posterSize = await page.evaluate(async (url) => {
      const img = new Image();
      img.src = url;
      await img.decode();
      return [img.naturalWidth, img.naturalHeight];
    }, poster);
    expect(posterSize).toEqual([240, 320]);
    const box = await page.locator('#viewer-video').boundingBox();
    expect(box?.height).toBeGreaterThan(box?.width ?? Number.POSITIVE_INFINITY);
    expect(await page.locator('#viewer-caption').textContent()).toMatch(
      /^0:03 · 240 × 320 · .* · video\/quicktime$/,
    );
    await closeViewer();
  });

  it('uploads a video over the multipart threshold by parts, then its player answers the keyboard', async () => {
    const { size } = await stat(files.long);
    expect(size).toBeGreaterThan(THRESHOLD);
    const mark = requests.length;
    await page.locator('#files').setInputFiles(files.long);
    await thumbnailLoaded('long.mp4', 40_000);
    const parts = puts(mark, PART_PUT).map((r) => Number(PART_PUT.exec(r.url())?.[1]));
    expect([...new Set(parts)].sort((a, b) => a - b)).toEqual(
      Array.from({ length: Math.ceil(size / PART_BYTES) }, (_, i) => i + 1),
    );
    expect(puts(mark, ORIGINAL_PUT)).toHaveLength(0);
    expect(await page.locator('.tile', { hasText: 'long.mp4' }).locator('.duration').textContent()).toBe(
      '0:20',
    );

    await openVideo('long.mp4, video, 20 seconds');
    expect((await player()).focused).toBe(true);
    // ← → seek 5 s, J L 10 s; never before the start. (Within half a second: at the start, this
    // browser reports the first frame's time, 0.2 s in, rather than 0.)
    for (const [key, at] of [
      ['ArrowRight', 5],
      ['l', 15],
      ['j', 5],
      ['ArrowLeft', 0],
      ['ArrowLeft', 0],
      ['L', 10],
    ] as const) {
      await page.keyboard.press(key);
      expect(await currentTime(), `after ${key}`).toBeCloseTo(at, 0);
    }
    // Space on the focused player plays and pauses it, once each (its own controls' key, not done twice).
    await page.keyboard.press(' ');
    await expect.poll(currentTime, { timeout: 10_000 }).toBeGreaterThan(10.3);
    expect((await player()).paused).toBe(false);
    await page.keyboard.press(' ');
    await expect.poll(async () => (await player()).paused).toBe(true);
    await page.keyboard.press('m');
    expect((await player()).muted).toBe(true);
    await page.keyboard.press('m');
    expect((await player()).muted).toBe(false);

    // On a button, Space presses the button (Delete asks first; the answer here is no), and K still plays.
    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.type());
      void dialog.dismiss();
    });
    await page.locator('#viewer-delete').focus();
    await page.keyboard.press(' ');
    await expect.poll(() => asked).toEqual(['confirm']);
    expect((await player()).paused).toBe(true);
    const before = await currentTime();
    await page.keyboard.press('k');
    await expect.poll(currentTime, { timeout: 10_000 }).toBeGreaterThan(before + 0.3);
    await page.keyboard.press('k');
    expect((await player()).paused).toBe(true);

    // F: full screen and back.
    await page.keyboard.press('f');
    await expect.poll(async () => (await player()).fullscreen).toBe(true);
    await page.keyboard.press('f');
    await expect.poll(async () => (await player()).fullscreen).toBe(false);

    // Escape still closes the dialog.
    await closeViewer();
    expect(await photoNamed('long.mp4')).toMatchObject({ kind: 'video', status: 'ready' });
  });

  it('says why a damaged MP4 failed, on its tile and in the viewer, and refuses an AVI up front', async () => {
    await page.locator('#files').setInputFiles(files.corrupt);
    const tile = page.locator('.tile[data-status="failed"]', { hasText: 'corrupt.mp4' });
    await tile.waitFor({ timeout: 20_000 });
    expect(await tile.locator('.badge').textContent()).toBe(`Failed: ${NO_TRACKS}`);

    await page.getByRole('button', { name: `corrupt.mp4: Failed: ${NO_TRACKS}`, exact: true }).click();
    await page.locator('#viewer[open]').waitFor();
    expect(await page.locator('#viewer-notice').textContent()).toBe(
      `This video could not be processed: ${NO_TRACKS}.`,
    );
    expect(await page.locator('#viewer-video').isHidden()).toBe(true);
    expect(await page.locator('#viewer-image').isHidden()).toBe(true);
    expect(await page.locator('#viewer-keys').isHidden()).toBe(true);
    await closeViewer();

    await page.locator('#files').setInputFiles({
      name: 'holiday.avi',
      mimeType: 'video/x-msvideo',
      buffer: Buffer.from('RIFF....AVI LIST'),
    });
    const refusal = page.locator('.upload[data-state="rejected"]', { hasText: 'holiday.avi' });
    await expect.poll(() => refusal.textContent()).toContain('AVI videos are not accepted');
  });

  it('lays out video tiles and the player at phone and desktop width', async () => {
    await page.screenshot({ path: new URL('video-grid-desktop.png', ARTIFACTS).pathname });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    // The length stays inside its tile's frame.
    for (const badge of await page.locator('.duration').all()) {
      const inner = await badge.boundingBox();
      const frame = await badge.locator('xpath=..').boundingBox();
      expect(inner && frame && inner.x + inner.width <= frame.x + frame.width).toBe(true);
    }
    await page.screenshot({ path: new URL('video-grid-phone.png', ARTIFACTS).pathname });

    await openVideo('rotated.mov, video, 3 seconds');
    const box = await page.locator('#viewer-video').boundingBox();
    expect(box?.width).toBeLessThanOrEqual(390);
    expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(844);
    await page.screenshot({ path: new URL('video-viewer-phone.png', ARTIFACTS).pathname });
    await closeViewer();
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('offers photos only where config.json says videos are not accepted (the Worker), and refuses a picked video', async () => {
    const photosOnly = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await photosOnly.route('**/config.json', (route) =>
      route.fulfill({ json: { apiBase: '', auth: { mode: 'dev' }, analysis: false, video: false } }),
    );
    await photosOnly.goto(server.url);
    await photosOnly.getByLabel('Acting as').waitFor();
    expect(await photosOnly.locator('#files').getAttribute('accept')).not.toMatch(/video|mkv/);
    expect(await photosOnly.locator('#video-hint').isHidden()).toBe(true);
    expect(await photosOnly.locator('#choose').textContent()).toBe('Choose photos');
    await photosOnly.locator('#files').setInputFiles(files.mp4);
    const refusal = photosOnly.locator('.upload[data-state="rejected"]', { hasText: 'clip.mp4' });
    await expect.poll(() => refusal.textContent()).toContain('videos are not accepted by this service');
    await photosOnly.close();
  });

  it('logged no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
