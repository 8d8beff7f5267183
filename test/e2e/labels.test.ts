import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModerationPolicy } from '../../src/domain/moderation-policy.js';
import type { PhotoJson } from '../../src/entrypoints/http/schemas.js';
import type { DevServer } from '../../src/entrypoints/node/dev-server.js';
import { launchChromium } from '../support/chromium.js';
import { startLocalDevServer } from '../support/dev-server.js';
import { photoJpeg } from '../support/images.js';
import { type AnalyzerStep, analyses, ScriptedImageAnalyzer } from '../support/scripted-image-analyzer.js';

/**
 * What analysis adds to the gallery page, in a real browser against the dev
 * server with a scripted analyser: a photo's labels as chips in the viewer, the
 * gallery filtered by one (kept in the address), a marker on what moderation
 * flagged and, under a blocking policy, a held photo that says why. The steps
 * of each server run in order and share one page, like a person using it.
 */

const ARTIFACTS = new URL('../../test-results/', import.meta.url);
const OWNER = 'labeller';

let browser: Browser;
const pageErrors: string[] = [];

/** Uploads a small JPEG as OWNER through the API, and waits for its thumbnails and its analysis. */
async function upload(server: DevServer, name: string, seed: number): Promise<PhotoJson> {
  const form = new FormData();
  const bytes = await photoJpeg({ width: 320, height: 240, seed });
  form.set('file', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }), name);
  const res = await fetch(`${server.url}/photos`, {
    method: 'POST',
    body: form,
    headers: { 'X-Owner-Id': OWNER },
  });
  expect(res.status).toBe(202);
  await Promise.all([server.queue.onIdle(), server.analysisQueue?.onIdle()]);
  return ((await res.json()) as { photo: PhotoJson }).photo;
}

/** A page of the gallery acting as OWNER, as a person would set it: through "Acting as". */
async function openGallery(server: DevServer, width = 1100, height = 800): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(server.url);
  await page.getByLabel('Acting as').fill(OWNER);
  await page.getByRole('button', { name: 'Switch' }).click();
  return page;
}

const tileNames = (page: Page) => page.locator('.tile .tile-name').allTextContents();
const label = (page: Page) => new URL(page.url()).searchParams.get('label');
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id ?? '');

/** Resolves once every tile shows its thumbnail, decoded, and there are `count` of them. */
async function tilesLoaded(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    (n) => {
      const images = [...document.querySelectorAll<HTMLImageElement>('.tile img')];
      return images.length === n && images.every((i) => i.complete && i.naturalWidth > 0);
    },
    count,
    { timeout: 15_000 },
  );
}

beforeAll(async () => {
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
});

describe('labels and moderation flags in the gallery (flag policy)', () => {
  let server: DevServer;
  let page: Page;
  // The analyser answers in turn: one upload at a time, so each photo gets its answer.
  const steps: AnalyzerStep[] = [
    analyses.dog, // dog-1.jpg
    analyses.swimwear, // beach.jpg: moderation labels, but nothing counted
    analyses.dog, // dog-2.jpg
    analyses.violenceMaybe, // alley.jpg: Violence at 71.5%, review
    analyses.dog, // puppy.jpg, from the page while filtered
    analyses.swimwear, // shore.jpg, from the page while filtered
  ];

  beforeAll(async () => {
    server = await startLocalDevServer({ analyzer: new ScriptedImageAnalyzer(...steps) });
    for (const [seed, name] of ['dog-1.jpg', 'beach.jpg', 'dog-2.jpg', 'alley.jpg'].entries()) {
      await upload(server, name, seed + 1);
    }
    page = await openGallery(server);
    await tilesLoaded(page, 4);
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it("shows a photo's labels in the viewer as buttons, most confident first", async () => {
    await page.getByRole('button', { name: 'dog-2.jpg', exact: true }).click();
    const viewer = page.getByRole('dialog', { name: 'dog-2.jpg' });
    await viewer.waitFor();
    const chips = viewer.getByRole('list', { name: 'Labels' }).getByRole('button');
    // Animal, Dog and Pet are equally sure (98.7%), Grass less; Puppy (55%) was under the threshold.
    expect(await chips.allTextContents()).toEqual(['Animal', 'Dog', 'Pet', 'Grass']);
    expect(await chips.filter({ hasText: 'Grass' }).getAttribute('title')).toContain('81% confident');
    await page.screenshot({ path: new URL('labels-viewer.png', ARTIFACTS).pathname });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: new URL('labels-viewer-phone.png', ARTIFACTS).pathname });
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('filters the gallery by the chosen label, in the address', async () => {
    // By keyboard: the chips are buttons in the dialog's tab order.
    await page.getByRole('dialog').getByRole('button', { name: 'Dog', exact: true }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });

    await expect.poll(() => tileNames(page)).toEqual(['dog-2.jpg', 'dog-1.jpg']);
    expect(label(page)).toBe('Dog');
    expect(await page.locator('#filter').textContent()).toContain('Labelled Dog');
    // Focus lands on the heading, which now says what is shown; the change is announced.
    expect(await focused(page)).toBe('gallery-heading');
    expect(await page.getByRole('heading', { name: 'Photos labelled Dog' }).isVisible()).toBe(true);
    await expect.poll(() => page.locator('#status').textContent()).toContain('labelled Dog: 2 photos');

    await tilesLoaded(page, 2);
    await page.screenshot({ path: new URL('labels-filtered.png', ARTIFACTS).pathname });
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.screenshot({ path: new URL('labels-filtered-phone.png', ARTIFACTS).pathname });
    await page.setViewportSize({ width: 1100, height: 800 });
  });

  it('goes Back to every photo, keeps the filter across a reload, and shows all again', async () => {
    await page.goBack();
    await expect.poll(() => tileNames(page)).toHaveLength(4);
    expect(label(page)).toBeNull();
    expect(await page.locator('#filter').isVisible()).toBe(false);

    await page.goForward();
    await expect.poll(() => tileNames(page)).toEqual(['dog-2.jpg', 'dog-1.jpg']);
    await page.reload();
    await expect.poll(() => tileNames(page)).toEqual(['dog-2.jpg', 'dog-1.jpg']);
    expect(label(page)).toBe('Dog');

    await page.getByRole('button', { name: 'Show all photos' }).click();
    await expect.poll(() => tileNames(page)).toEqual(['alley.jpg', 'dog-2.jpg', 'beach.jpg', 'dog-1.jpg']);
    expect(label(page)).toBeNull();
    expect(await focused(page)).toBe('gallery-heading');
  });

  it('says so when no photo has the label', async () => {
    await page.goto(`${server.url}/?label=Cat`);
    const empty = page.getByText('No photos labelled Cat.');
    await empty.waitFor();
    expect(await page.locator('.tile').count()).toBe(0);
    await page.screenshot({ path: new URL('labels-empty.png', ARTIFACTS).pathname });
  });

  it('marks the photo moderation flagged for review, and only that one', async () => {
    await page.goto(server.url);
    await tilesLoaded(page, 4);
    const flagged = page.locator('.tile', { hasText: 'Flagged' });
    expect(await flagged.locator('.tile-name').allTextContents()).toEqual(['alley.jpg']);
    // The marker is part of what a screen reader hears for the tile.
    await page.getByRole('button', { name: 'alley.jpg, flagged for review' }).click();
    const viewer = page.getByRole('dialog', { name: 'alley.jpg' });
    expect(await viewer.textContent()).toContain('Flagged for review: Violence 72%, Weapons 72%');
    await page.screenshot({ path: new URL('labels-flagged-viewer.png', ARTIFACTS).pathname });
    await page.keyboard.press('Escape');
    await viewer.waitFor({ state: 'hidden' });
  });

  it('adds a photo uploaded while filtered once analysis gives it the label, and only then', async () => {
    await page.goto(`${server.url}/?label=Dog`);
    await tilesLoaded(page, 2);
    await page.locator('#files').setInputFiles([
      {
        name: 'puppy.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from(await photoJpeg({ width: 320, height: 240, seed: 5 })),
      },
    ]);
    await expect
      .poll(() => tileNames(page), { timeout: 15_000 })
      .toEqual(['puppy.jpg', 'dog-2.jpg', 'dog-1.jpg']);

    await page.locator('#files').setInputFiles([
      {
        name: 'shore.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from(await photoJpeg({ width: 320, height: 240, seed: 6 })),
      },
    ]);
    await expect
      .poll(() => page.locator('#status').textContent(), { timeout: 15_000 })
      .toContain('shore.jpg is not labelled Dog');
    expect(await tileNames(page)).toEqual(['puppy.jpg', 'dog-2.jpg', 'dog-1.jpg']);
  });
});

describe('a photo held under a blocking moderation policy', () => {
  let server: DevServer;
  let page: Page;

  beforeAll(async () => {
    server = await startLocalDevServer({
      analyzer: new ScriptedImageAnalyzer(analyses.explicit),
      analysis: { minLabelConfidence: 70, moderation: { ...defaultModerationPolicy, mode: 'block' } },
    });
    await upload(server, 'held.jpg', 9);
    page = await openGallery(server, 390, 844);
  });

  afterAll(async () => {
    await page?.close();
    await server?.close();
  });

  it('shows the tile as held, and the viewer says why', async () => {
    const tile = page.locator('.tile[data-status="rejected"]', { hasText: 'held.jpg' });
    await tile.waitFor();
    expect(await tile.textContent()).toContain('Held by moderation');
    await page.screenshot({ path: new URL('labels-held-phone.png', ARTIFACTS).pathname });

    await page.getByRole('button', { name: 'held.jpg: held by moderation' }).click();
    const viewer = page.getByRole('dialog', { name: 'held.jpg' });
    await viewer.waitFor();
    expect(await viewer.textContent()).toContain('Reason: blocked by moderation: Explicit (97%)');
    // Nothing of it is served: no image, no link to the original.
    expect(await viewer.getByRole('img').count()).toBe(0);
    expect(await viewer.getByRole('link', { name: 'Open original' }).count()).toBe(0);
    await page.screenshot({ path: new URL('labels-held-viewer-phone.png', ARTIFACTS).pathname });
  });
});

describe('the pages', () => {
  it('logged no script errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
