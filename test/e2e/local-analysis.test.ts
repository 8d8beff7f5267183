import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalImageAnalyzer } from '../../src/adapters/local-analysis/local-image-analyzer.js';
import type { DevServer } from '../../src/entrypoints/node/dev-server.js';
import { launchChromium } from '../support/chromium.js';
import { startLocalDevServer } from '../support/dev-server.js';
import { testVideo } from '../support/videos.js';

/**
 * What `npm run dev` does with a real photograph, end to end in a real browser:
 * the page uploads it, the thumbnail worker renders it, the local models (the
 * COCO detector and nsfwjs, as the dev server loads them) label it, and the
 * person filters the gallery by what they saw; a video is labelled by what its
 * sampled frames show. The photos and their licences: test/fixtures/photos/README.md.
 */

const PHOTOS = new URL('../fixtures/photos/', import.meta.url);

let server: DevServer;
let analyzer: LocalImageAnalyzer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  analyzer = new LocalImageAnalyzer();
  await analyzer.load();
  server = await startLocalDevServer({ analyzer });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 390, height: 844 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(server.url);
  await page.getByLabel('Acting as').fill('walker');
  await page.getByRole('button', { name: 'Switch' }).click();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the dev server analyses real photos with the local models', () => {
  it('labels the dog photo Dog, and the gallery filters by it', async () => {
    const files = await Promise.all(
      ['beagles.jpg', 'mountain-meadow.jpg'].map(async (name) => ({
        name,
        mimeType: 'image/jpeg',
        buffer: await readFile(new URL(name, PHOTOS)),
      })),
    );
    await page.locator('#files').setInputFiles(files);
    await expect.poll(() => page.locator('.tile img').count(), { timeout: 30_000 }).toBe(2);
    await server.queue.onIdle();

    // Opened as soon as its thumbnail is in: the page polls the photo until its analysis
    // is in, and the open viewer shows its labels when they arrive.
    await page.locator('.tile', { hasText: 'beagles.jpg' }).getByRole('button').first().click();
    const dog = page.getByRole('button', { name: 'Dog', exact: true });
    await dog.waitFor({ timeout: 30_000 });
    await dog.click();

    await expect.poll(() => new URL(page.url()).searchParams.get('label')).toBe('Dog');
    await expect.poll(() => page.locator('.tile .tile-name').allTextContents()).toEqual(['beagles.jpg']);
    await page.getByRole('button', { name: 'Show all photos' }).click();
    await expect
      .poll(() => page.locator('.tile .tile-name').allTextContents())
      .toEqual(['mountain-meadow.jpg', 'beagles.jpg']);
    // Neither is flagged: no marker on any tile.
    expect(await page.locator('.tile .flag').count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('labels a video Dog when the dog shows only after its poster, from its sampled frames', async () => {
    const video = await testVideo('dog-later-mp4');
    await page
      .locator('#files')
      .setInputFiles({ name: 'walk.mp4', mimeType: 'video/mp4', buffer: Buffer.from(video) });
    await expect
      .poll(() => page.locator('.tile', { hasText: 'walk.mp4' }).locator('img').count(), { timeout: 60_000 })
      .toBe(1);
    await server.settled();

    await page.locator('.tile', { hasText: 'walk.mp4' }).getByRole('button').first().click();
    await page.getByRole('button', { name: 'Dog', exact: true }).waitFor({ timeout: 30_000 });

    // The poster (a tenth of the way in) shows the meadow: the dog was found in the later frames.
    const walk = server.blobs.keys().find((k) => k.endsWith('/poster.jpg'));
    const poster = walk ? await server.blobs.get(walk) : undefined;
    if (!poster) throw new Error('no poster stored');
    const posterOnly = await analyzer.analyze({
      key: 'poster',
      bytes: poster.bytes,
      contentType: 'image/jpeg',
    });
    expect(
      posterOnly.ok && posterOnly.value.labels.filter((l) => l.name === 'Dog' && l.confidence >= 70),
    ).toEqual([]);
    expect(server.blobs.keys().filter((k) => /\/frame-\d\.jpg$/.test(k))).toHaveLength(3);
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
