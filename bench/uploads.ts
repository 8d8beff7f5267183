import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Browser, chromium, type Page, type Request } from 'playwright-core';
import { defaultLimits } from '../src/domain/limits.js';
import type { DevServer } from '../src/entrypoints/node/dev-server.js';
import { startLocalDevServer } from '../test/support/dev-server.js';
import { paddedJpeg } from '../test/support/padded-jpeg.js';

/**
 * `npm run bench:uploads`: how long the gallery page takes to upload 40 MiB to
 * the dev server, by multipart (the default limits: over 16 MiB, parts of
 * 8 MiB, 4 in flight) against one signed PUT (a second dev server whose
 * multipart threshold is raised above the file), in headless Debian chromium
 * on 127.0.0.1; and how many parts a resume sends after a reload mid-upload.
 *
 * Time is from picking the file to its row saying "Uploaded" (registration,
 * the bytes, completing), on the page's own clock. Runs alternate between the
 * two servers, after one warm-up each; medians reported. The worker's
 * thumbnails are let finish between runs, and each photo is deleted, so runs
 * do not compete with it or grow the in-memory store.
 *
 * Env: BENCH_ROUNDS (default 3).
 */

const MiB = 1024 * 1024;
const SIZE = 40 * MiB;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RESULTS = new URL('./results/uploads.md', import.meta.url);
const PART_URL = /\/files\/originals\/[^/]+\/([^/]+)\/parts\/(\d+)\?/;
/** How long the resume run holds each part PUT, so a reload lands mid-upload. */
const RESUME_PART_DELAY_MS = 1500;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

interface Target {
  readonly label: string;
  readonly server: DevServer;
  readonly page: Page;
  readonly times: number[];
  readonly requests: Request[];
}

async function openPage(browser: Browser, server: DevServer, requests: Request[]): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
  page.on('request', (r) => requests.push(r));
  page.on('dialog', (dialog) => void (dialog.type() === 'beforeunload' ? dialog.accept() : dialog.dismiss()));
  await page.goto(server.url);
  await page.getByLabel('Acting as').waitFor();
  return page;
}

async function actAs(page: Page, owner: string): Promise<void> {
  await page.getByLabel('Acting as').fill(owner);
  await page.getByRole('button', { name: 'Switch' }).click();
  await page.getByText('No photos yet').waitFor();
}

/** Picks the file and waits for its row to say it is uploaded; milliseconds on the page's clock. */
async function timeUpload(page: Page, path: string): Promise<number> {
  const started = await page.evaluate(() => performance.now());
  await page.locator('#files').setInputFiles(path);
  await page.locator('.upload[data-state="done"]').first().waitFor({ state: 'attached', timeout: 120_000 });
  const ended = await page.evaluate(
    () => (window as unknown as { uploadedAt?: number }).uploadedAt ?? performance.now(),
  );
  return ended - started;
}

/** Lets the worker finish, and deletes what the run uploaded. */
async function settle(server: DevServer, owner: string): Promise<void> {
  await server.queue.onIdle();
  const res = await fetch(`${server.url}/photos?limit=100`, { headers: { 'X-Owner-Id': owner } });
  for (const photo of ((await res.json()) as { items: { id: string }[] }).items) {
    await fetch(`${server.url}/photos/${photo.id}`, { method: 'DELETE', headers: { 'X-Owner-Id': owner } });
  }
}

async function run(target: Target, owner: string, path: string): Promise<number> {
  await actAs(target.page, owner);
  // The done row is marked by a MutationObserver on the page's clock, not by the polling of waitFor.
  await target.page.evaluate(() => {
    const w = window as unknown as { uploadedAt?: number };
    w.uploadedAt = undefined;
    new MutationObserver((_, observer) => {
      if (document.querySelector('.upload[data-state="done"]')) {
        w.uploadedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-state'] });
  });
  const ms = await timeUpload(target.page, path);
  await target.page.getByRole('button', { name: 'Clear uploaded files' }).click();
  await settle(target.server, owner);
  return ms;
}

/**
 * A throttled multipart upload of the file, a reload once some parts are
 * stored, the same file picked again: the parts sent before and after.
 */
async function resume(target: Target, path: string) {
  const { page, server, requests } = target;
  const owner = 'bench-resume';
  await actAs(page, owner);
  await page.route(PART_URL, async (route) => {
    await sleep(RESUME_PART_DELAY_MS);
    await route.continue().catch(() => {});
  });
  const parts = (from: number) =>
    requests.slice(from).flatMap((r) => {
      const match = r.method() === 'PUT' ? PART_URL.exec(r.url()) : null;
      return match ? [{ id: match[1] as string, part: Number(match[2]) }] : [];
    });
  const mark = requests.length;
  await page.locator('#files').setInputFiles(path);
  const received = async (id: string) => {
    const res = await fetch(`${server.url}/uploads/${id}`, { headers: { 'X-Owner-Id': owner } });
    const body = (await res.json()) as {
      receivedParts: { partNumber: number }[];
      upload: { partCount: number };
    };
    return { stored: body.receivedParts.map((p) => p.partNumber), partCount: body.upload.partCount };
  };
  while (parts(mark).length === 0) await sleep(50);
  const id = parts(mark)[0]?.id as string;
  while ((await received(id)).stored.length < 2) await sleep(100);
  const sentBefore = new Set(parts(mark).map((p) => p.part));
  await page.reload();
  await page.getByLabel('Acting as').waitFor();
  const { stored, partCount } = await received(id);
  const resumedAt = requests.length;
  await page.locator('#files').setInputFiles(path);
  await page.locator('.upload[data-state="done"]').first().waitFor({ state: 'attached', timeout: 120_000 });
  const after = parts(resumedAt).map((p) => p.part);
  await page.unroute(PART_URL);
  await settle(server, owner);
  return {
    partCount,
    stored: stored.length,
    sentAfter: after.length,
    // Parts that had been on their way at the reload and never reached storage: sent twice.
    sentTwice: after.filter((n) => sentBefore.has(n)).length,
    resentStored: after.filter((n) => stored.includes(n)).length,
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  const dir = await mkdtemp(join(os.tmpdir(), 'pixport-bench-uploads-'));
  const path = join(dir, 'forty.jpg');
  const harbour = new Uint8Array(await readFile(new URL('../docs/examples/harbour.jpg', import.meta.url)));
  // paddedJpeg pads in whole COM segments of 64 KiB: one segment short of 40 MiB keeps it at 5 parts of 8 MiB.
  const file = paddedJpeg(harbour, SIZE - 65_537);
  await writeFile(path, file);

  const multipartServer = await startLocalDevServer();
  const singleServer = await startLocalDevServer({
    limits: { ...defaultLimits, multipartThresholdBytes: 64 * MiB, maxOriginalBytes: 64 * MiB },
  });
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  const targets: Target[] = [];
  for (const [label, server] of [
    ['multipart (16 MiB threshold, 8 MiB parts, 4 in flight)', multipartServer],
    ['one signed PUT (threshold raised to 64 MiB)', singleServer],
  ] as const) {
    const requests: Request[] = [];
    targets.push({ label, server, page: await openPage(browser, server, requests), times: [], requests });
  }

  try {
    for (const target of targets) await run(target, 'bench-warm-up', path);
    for (let round = 0; round < ROUNDS; round++) {
      for (const target of targets) {
        const ms = await run(target, `bench-${round}`, path);
        target.times.push(ms);
        console.log(`${target.label}: ${ms.toFixed(0)} ms`);
      }
    }
    const resumed = await resume(targets[0] as Target, path);
    console.log('resume', resumed);
    await write(targets, resumed, file.byteLength, Date.now() - started);
  } finally {
    await browser.close();
    await multipartServer.close();
    await singleServer.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function write(
  targets: Target[],
  resumed: Awaited<ReturnType<typeof resume>>,
  size: number,
  tookMs: number,
): Promise<void> {
  const [multipart, single] = targets.map((t) => median(t.times)) as [number, number];
  const rows = targets.map((t) => {
    const med = median(t.times);
    const mibs = size / MiB / (med / 1000);
    return `| ${t.label} | ${t.times.map((ms) => ms.toFixed(0)).join(', ')} | **${med.toFixed(0)}** | ${mibs.toFixed(0)} |`;
  });
  const cpus = os.cpus();
  const load = os.loadavg().map((l) => l.toFixed(1));
  const text = `# bench:uploads

\`npm run bench:uploads\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${os.platform()} ${os.arch()}, Debian chromium (headless) driven by playwright-core, the dev server on 127.0.0.1 (in-memory storage, the wasm-vips worker in process).
Load average at the end (1/5/15 min): ${load.join(' / ')}. Whole bench took ${(tookMs / 1000).toFixed(0)} s.

## 40 MiB through the gallery page

A ${(size / MiB).toFixed(2)} MiB JPEG (docs/examples/harbour.jpg padded with COM segments), picked in the page; time from the pick to its row saying "Uploaded" (register, send, complete), on the page's clock. ${ROUNDS} runs each, alternating between the two servers after one warm-up each; the worker's thumbnails finish between runs.

| upload | runs ms | median ms | MiB/s |
| --- | --- | ---: | ---: |
${rows.join('\n')}

Multipart / single PUT: **${(multipart / single).toFixed(2)}×** the time. On loopback the network is not the bottleneck, so this is the cost of the page's and the server's per-part work (signing, five requests, completing, joining 40 MiB), not what a phone on a real network sees: there, several parts in flight and a retry of one 8 MiB part instead of the whole file are what count.

## Resume after a reload

The same file by multipart (${resumed.partCount} parts of 8 MiB), each part PUT held ${RESUME_PART_DELAY_MS / 1000} s by page.route, the page reloaded once 2 parts were stored, the same file picked again.

| parts | stored before the reload | sent after it | of those, stored already | sent twice (in flight at the reload) |
| ---: | ---: | ---: | ---: | ---: |
| ${resumed.partCount} | ${resumed.stored} | **${resumed.sentAfter}** | ${resumed.resentStored} | ${resumed.sentTwice} |

The resume sent ${resumed.sentAfter} of ${resumed.partCount} parts: exactly the ones storage lacked (\`GET /uploads/{id}\` → \`receivedParts\`); the ${resumed.sentTwice} sent twice had been on their way when the page went, and never arrived.
`;
  await mkdir(new URL('./', RESULTS), { recursive: true });
  await writeFile(RESULTS, text);
  console.log(text);
}

await main();
