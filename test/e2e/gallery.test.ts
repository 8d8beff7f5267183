import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PhotoJson } from '../../src/entrypoints/http/schemas.js';
import type { DevServer } from '../../src/entrypoints/node/dev-server.js';
import { launchChromium } from '../support/chromium.js';
import { startLocalDevServer } from '../support/dev-server.js';
import { heicSample } from '../support/heic.js';
import { orientation6Jpeg, photoPng, svgImage } from '../support/images.js';

/**
 * The gallery page in a real browser (Debian's chromium, driven by
 * playwright-core) against the dev server on its in-memory adapters and the
 * real wasm-vips worker: what a frontend developer sees after `npm run dev`.
 * The steps run in order and share one page, like a person using it.
 */

const ARTIFACTS = new URL('../../test-results/', import.meta.url);

let server: DevServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

async function listPhotos(): Promise<PhotoJson[]> {
  const res = await fetch(`${server.url}/photos?limit=100`);
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: PhotoJson[] }).items;
}

/** Resolves once the tile of `filename` shows its thumbnail, decoded. */
async function thumbnailLoaded(filename: string): Promise<void> {
  await page.waitForFunction(
    (name) => {
      const img = [...document.querySelectorAll<HTMLImageElement>('.tile img')].find((i) => i.alt === name);
      return Boolean(img?.complete) && (img?.naturalWidth ?? 0) > 0;
    },
    filename,
    { timeout: 30_000 },
  );
}

beforeAll(async () => {
  server = await startLocalDevServer();
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await mkdir(ARTIFACTS, { recursive: true });
  await page.goto(server.url);
  // The identity form shows once config.json has been read and the page is wired.
  await page.getByLabel('Acting as').waitFor();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the gallery page', () => {
  it('uploads an EXIF-rotated JPEG and a PNG straight to storage, then shows both thumbnails', async () => {
    await page.locator('#files').setInputFiles([
      { name: 'rotated.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(await orientation6Jpeg()) },
      { name: 'flat.png', mimeType: 'image/png', buffer: Buffer.from(await photoPng()) },
    ]);

    await thumbnailLoaded('rotated.jpg');
    await thumbnailLoaded('flat.png');

    const photos = await listPhotos();
    const rotated = photos.find((p) => p.filename === 'rotated.jpg');
    expect(rotated).toMatchObject({ status: 'ready', width: 300, height: 400 });
    expect(photos.find((p) => p.filename === 'flat.png')).toMatchObject({ status: 'ready', width: 640 });
    // Each ready tile carries its ThumbHash, decoded in the page, painted until the thumbnail loaded.
    const frames = await page.locator('.tile[data-status="ready"] .frame').evaluateAll((all) =>
      all.map((f) => ({
        placeholder: (f as HTMLElement).style.getPropertyValue('--placeholder'),
        painted: getComputedStyle(f).backgroundImage,
      })),
    );
    expect(frames).toEqual([
      { placeholder: expect.stringContaining('data:image/png;base64,'), painted: 'none' },
      { placeholder: expect.stringContaining('data:image/png;base64,'), painted: 'none' },
    ]);
    // Newest first: the PNG was registered after the JPEG.
    const names = await page.locator('.tile .tile-name').allTextContents();
    expect(names).toEqual(['flat.png', 'rotated.jpg']);
  });

  it('opens a photo full size, portrait for the rotated JPEG, and closes on Escape', async () => {
    await page.getByRole('button', { name: 'rotated.jpg', exact: true }).click();
    const viewer = page.getByRole('dialog', { name: 'rotated.jpg', exact: true });
    await viewer.waitFor();
    const large = page.locator('#viewer-image');
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('#viewer-image');
      return Boolean(img?.complete) && (img?.naturalWidth ?? 0) > 0;
    });
    const size = await large.evaluate((img: HTMLImageElement) => ({
      width: img.naturalWidth,
      height: img.naturalHeight,
    }));
    expect(size.width).toBeLessThan(size.height);
    expect(await large.getAttribute('src')).toContain('/large.');
    expect(await viewer.getByRole('link', { name: 'Open original' }).getAttribute('href')).toContain(
      '/files/originals/',
    );
    await page.screenshot({ path: new URL('gallery-viewer.png', ARTIFACTS).pathname });

    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
  });

  it('says why a file is refused: an SVG before upload, a fake PNG after processing', async () => {
    await page.locator('#files').setInputFiles([
      { name: 'drawing.svg', mimeType: 'image/svg+xml', buffer: Buffer.from(svgImage()) },
      { name: 'notes.png', mimeType: 'image/png', buffer: Buffer.from('these are not pixels\n'.repeat(20)) },
    ]);

    const refused = page.locator('.upload[data-state="rejected"]', { hasText: 'drawing.svg' });
    await expect.poll(() => refused.textContent()).toContain('SVG images are not accepted');
    // The declared type passes the page and the API; the worker sniffs the bytes and says no.
    const failed = page.locator('.tile[data-status="failed"]', { hasText: 'notes.png' });
    await failed.waitFor({ timeout: 20_000 });
    expect(await failed.locator('.badge').textContent()).toMatch(/^Failed: \S/);
    expect((await listPhotos()).map((p) => p.filename)).not.toContain('drawing.svg');
  });

  it('takes an iPhone photo, IMG_0001.HEIC with no declared type, and shows it upright', async () => {
    // Off Apple's systems a browser often leaves File.type empty for HEIC: the page goes by the name.
    await page
      .locator('#files')
      .setInputFiles([{ name: 'IMG_0001.HEIC', mimeType: '', buffer: Buffer.from(heicSample('rotated')) }]);
    await thumbnailLoaded('IMG_0001.HEIC');
    // Stored 480x320; its clap and irot make it 300x400, as the phone showed it.
    expect((await listPhotos()).find((p) => p.filename === 'IMG_0001.HEIC')).toMatchObject({
      status: 'ready',
      contentType: 'image/heic',
      width: 300,
      height: 400,
    });
  });

  it('saves screenshots at desktop and phone width', async () => {
    await page.screenshot({ path: new URL('gallery.png', ARTIFACTS).pathname, fullPage: true });
    await page.setViewportSize({ width: 390, height: 844 });
    // At phone width the grid still fits: nothing scrolls sideways.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: new URL('gallery-phone.png', ARTIFACTS).pathname, fullPage: true });
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('deletes a photo after confirmation: gone from the page and from the API', async () => {
    const target = (await listPhotos()).find((p) => p.filename === 'flat.png');
    expect(target).toBeDefined();
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await page.getByRole('button', { name: 'Delete flat.png' }).click();

    await page.locator('.tile', { hasText: 'flat.png' }).waitFor({ state: 'detached' });
    expect(asked).toContain('flat.png');
    const left = await listPhotos();
    expect(left.map((p) => p.id)).not.toContain(target?.id);
    expect(left.map((p) => p.filename)).toContain('rotated.jpg');
    // Focus goes to a neighbouring tile, not back to the top of the document.
    expect(await page.evaluate(() => document.activeElement?.closest('.tile') !== null)).toBe(true);
  });

  it('logged no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
