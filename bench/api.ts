import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import sharp from 'sharp';
import { startLocalDevServer } from '../test/support/dev-server.js';

/**
 * `npm run bench:api`: throughput and tail latency of the dev server's API
 * against a bare hono app on the same Node, in the same session, so the ratio
 * says what Pixport's own work costs (identity, validation, listing, signing
 * 24 photos x 4 URLs) rather than what the machine or hono cost. The target
 * (issue 19) compares GET /photos with a bare handler sending the same JSON:
 * at least 0.5x its req/s, with a p99 of at most 20 ms.
 *
 * The servers run on this thread; autocannon fires from a worker thread, so
 * the load generator does not steal the event loop it is measuring. Targets
 * are interleaved over several rounds and medians reported, which evens out
 * drift (JIT warm-up, GC, a noisy neighbour).
 *
 * Env: BENCH_SECONDS (per run, default 10), BENCH_ROUNDS (default 3),
 * BENCH_CONNECTIONS (default 10). BENCH_PRESIGN_ONLY=1 runs only the last
 * section (the Lambda's presigned URLs) and prints it.
 */

// autocannon ships no types; this is the part of its API used here.
interface AutocannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number; average: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
interface AutocannonOptions {
  url: string;
  connections: number;
  duration: number;
  workers?: number;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
}
const autocannon = createRequire(import.meta.url)('autocannon') as (
  options: AutocannonOptions,
) => Promise<AutocannonResult>;

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);
const PHOTOS = 100;
const GALLERY_OWNER = 'bench-gallery';
// POST /uploads creates a pending photo per request: another owner, so the gallery stays at 100.
const UPLOAD_OWNER = 'bench-uploads';
const RESULTS = new URL('./results/api.md', import.meta.url);
const SAME_JSON = 'bare hono app, GET /photos JSON';
const TARGET_RATIO = 0.5;
const TARGET_P99_MS = 20;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** A distinct little PNG per photo (a few hundred bytes), quick for the worker. */
const smallPng = (i: number): Promise<Buffer> =>
  sharp({
    create: {
      width: 64,
      height: 48,
      channels: 3,
      background: { r: (i * 37) % 256, g: (i * 11) % 256, b: 128 },
    },
  })
    .png()
    .toBuffer();

async function preload(baseUrl: string): Promise<void> {
  for (let i = 0; i < PHOTOS; i++) {
    const res = await fetch(`${baseUrl}/photos?filename=bench-${i}.png`, {
      method: 'POST',
      headers: { 'Content-Type': 'image/png', 'X-Owner-Id': GALLERY_OWNER },
      body: new Uint8Array(await smallPng(i)),
    });
    if (res.status !== 202)
      throw new Error(`preload: POST /photos answered ${res.status}: ${await res.text()}`);
  }
}

interface Target {
  readonly name: string;
  readonly options: Omit<AutocannonOptions, 'connections' | 'duration'>;
}

async function run(target: Target, duration: number): Promise<AutocannonResult> {
  const result = await autocannon({ ...target.options, connections: CONNECTIONS, duration, workers: 1 });
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) {
    console.warn(
      `  ! ${target.name}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
    );
  }
  return result;
}

/**
 * On AWS a page's URLs are S3 presigned GETs, which the dev server (HMAC) does
 * not make: per URL, the SDK's getSignedUrl against S3GetPresigner (what
 * S3UrlSigner uses), a page of `urls` at a time, interleaved rounds, medians.
 * Presigning is local: nothing is sent.
 */
async function presignSection(urls: number): Promise<string[]> {
  const { GetObjectCommand, S3Client } = await import('@aws-sdk/client-s3');
  const { getSignedUrl } = await import('@aws-sdk/s3-request-presigner');
  const { S3GetPresigner } = await import('../src/adapters/aws/s3-get-presigner.js');
  // As aws-module.ts builds it, with a session token as a Lambda's credentials have.
  const s3 = new S3Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  const bucket = 'pixport-photos';
  const presigner = await S3GetPresigner.learn(s3, bucket);
  const keys = Array.from({ length: urls }, (_, i) => `renditions/${GALLERY_OWNER}/0193a5b2-${i}/thumb.webp`);
  const ways = {
    'SDK getSignedUrl': async () => {
      const signingDate = new Date();
      for (const Key of keys)
        await getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key }), {
          expiresIn: 900,
          signingDate,
        });
    },
    S3GetPresigner: async () => {
      const signingDate = new Date();
      for (const key of keys) await presigner.presign(key, {}, signingDate, 900);
    },
  };
  const names = Object.keys(ways) as (keyof typeof ways)[];
  for (let i = 0; i < 5; i++) for (const name of names) await ways[name]();
  const perUrl = new Map(names.map((n) => [n, [] as number[]]));
  for (let round = 0; round < 21; round++) {
    for (const name of round % 2 ? names : [...names].reverse()) {
      const started = performance.now();
      await ways[name]();
      perUrl.get(name)?.push(((performance.now() - started) / urls) * 1000);
    }
  }
  const sdk = median(perUrl.get('SDK getSignedUrl') ?? []);
  const ours = median(perUrl.get('S3GetPresigner') ?? []);
  return [
    '## On AWS: presigning a page',
    '',
    `The Lambda signs a page's ${urls} URLs as S3 presigned GETs (SigV4), once per quarter of their lifetime (S3UrlSigner caches them for that step). Per URL, a page at a time, 21 interleaved rounds, medians; presigning is local.`,
    '',
    '| presigner | µs per URL | ms per page |',
    '| --- | ---: | ---: |',
    `| SDK getSignedUrl (a GetObjectCommand through its middleware) | ${sdk.toFixed(0)} | ${((sdk * urls) / 1000).toFixed(1)} |`,
    `| S3GetPresigner (SigV4 directly, the same URL byte for byte) | ${ours.toFixed(0)} | ${((ours * urls) / 1000).toFixed(1)} |`,
    '',
    `S3GetPresigner: ${(sdk / ours).toFixed(1)}x faster than getSignedUrl.`,
    '',
  ];
}

if (process.env.BENCH_PRESIGN_ONLY === '1') {
  console.log((await presignSection(96)).join('\n'));
  process.exit(0);
}

const server = await startLocalDevServer();

/** What GET /photos answers, captured once preloaded, so the bare app can send the same bytes. */
let galleryBody: unknown = {};
const bare = new Hono().get('/', (c) => c.json({ ok: true })).get('/same-json', (c) => c.json(galleryBody));
const bareServer = await new Promise<ReturnType<typeof serve>>((resolve) => {
  const s = serve({ fetch: bare.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
});
const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/`;

try {
  console.log(`preloading ${PHOTOS} photos for ${GALLERY_OWNER}...`);
  await preload(server.url);
  await server.queue.onIdle();
  const check = await fetch(`${server.url}/photos`, { headers: { 'X-Owner-Id': GALLERY_OWNER } });
  const page = (await check.json()) as { items: { status: string; urls?: { thumbnails: object } }[] };
  galleryBody = page;
  const bodyKiB = (JSON.stringify(page).length / 1024).toFixed(1);
  const urlsPerPage = page.items.reduce(
    (n, p) => n + (p.urls ? 1 + Object.keys(p.urls.thumbnails).length : 0),
    0,
  );
  if (page.items.length !== 24 || page.items.some((p) => p.status !== 'ready')) {
    throw new Error('preload: GET /photos does not list 24 ready photos');
  }

  const targets: Target[] = [
    { name: 'bare hono app (GET /)', options: { url: bareUrl } },
    // The same response body from a bare handler: what GET /photos is measured against, so
    // serialising and sending 27 KiB is not counted as Pixport's work.
    { name: SAME_JSON, options: { url: `${bareUrl}same-json` } },
    {
      name: 'GET /photos (24 of 100)',
      options: { url: `${server.url}/photos`, headers: { 'X-Owner-Id': GALLERY_OWNER } },
    },
    {
      name: 'POST /uploads',
      options: {
        url: `${server.url}/uploads`,
        method: 'POST',
        headers: { 'X-Owner-Id': UPLOAD_OWNER, 'Content-Type': 'application/json' },
        body: JSON.stringify({ filename: 'holiday.jpg', contentType: 'image/jpeg', size: 2_345_678 }),
      },
    },
  ];

  console.log(`warming up (${targets.length} x 2 s)...`);
  for (const target of targets) await run(target, 2);

  const samples = new Map(targets.map((t) => [t.name, [] as AutocannonResult[]]));
  for (let round = 1; round <= ROUNDS; round++) {
    // Rotate the order each round, so no target always runs right after the same other one.
    const order = targets.map((_, i) => targets[(i + round - 1) % targets.length] as Target);
    for (const target of order) {
      const result = await run(target, SECONDS);
      samples.get(target.name)?.push(result);
      console.log(
        `round ${round} ${target.name}: ${Math.round(result.requests.average)} req/s, p99 ${result.latency.p99} ms`,
      );
    }
  }

  const summary = targets.map((t) => {
    const runs = samples.get(t.name) ?? [];
    return {
      name: t.name,
      rps: median(runs.map((r) => r.requests.average)),
      p50: median(runs.map((r) => r.latency.p50)),
      p99: median(runs.map((r) => r.latency.p99)),
      failed: runs.reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    };
  });
  const reference = summary[0]?.rps ?? 1;
  const sameJson = summary.find((s) => s.name === SAME_JSON)?.rps ?? 1;
  const gallery = summary.find((s) => s.name.startsWith('GET /photos'));

  const rows = summary.map(
    (s) =>
      `| ${s.name} | ${Math.round(s.rps)} | ${(s.rps / reference).toFixed(2)}x | ${(s.rps / sameJson).toFixed(2)}x | ${s.p50} | ${s.p99} | ${s.failed} |`,
  );
  // The verdict pairs the two within each round (they run minutes apart at most, under the
  // same neighbours) and takes the median of those ratios: steadier than a ratio of medians.
  const sameJsonRuns = samples.get(SAME_JSON) ?? [];
  const ratio = median(
    (gallery ? (samples.get(gallery.name) ?? []) : []).map(
      (r, i) => r.requests.average / (sameJsonRuns[i]?.requests.average ?? Number.POSITIVE_INFINITY),
    ),
  );
  const verdict = gallery
    ? `GET /photos: ${ratio.toFixed(2)}x the bare handler sending the same JSON, median of the rounds' ratios (target >= ${TARGET_RATIO}x: ${
        ratio >= TARGET_RATIO ? 'met' : 'MISSED'
      }), p99 ${gallery.p99} ms (target <= ${TARGET_P99_MS} ms: ${gallery.p99 <= TARGET_P99_MS ? 'met' : 'MISSED'}).`
    : '';
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  // Other work on the machine skews every row alike, but it shows in p99 first: say how busy it was.
  const load = os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ');
  const markdown = [
    '# bench:api',
    '',
    `${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${os.cpus().length} x ${cpu}, ${os.platform()} ${os.arch()}.`,
    `Load average at the end (1/5/15 min): ${load}.`,
    `autocannon, ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} interleaved rounds after a 2 s warm-up; medians over the rounds.`,
    `Servers on the main thread of one process, autocannon in a worker thread. GET /photos lists 24 of ${PHOTOS} ready photos (${urlsPerPage} signed URLs, ${bodyKiB} KiB of JSON per response); the second bare row sends that same JSON from a bare handler; POST /uploads registers a 2.3 MB JPEG (JSON in, pending photo and signed PUT target out).`,
    '',
    '| target | req/s | vs bare | vs same JSON | p50 ms | p99 ms | non-2xx/errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    verdict,
    '',
    ...(await presignSection(urlsPerPage)),
  ].join('\n');

  console.log(`\n${markdown}`);
  await mkdir(new URL('.', RESULTS), { recursive: true });
  await writeFile(RESULTS, markdown);
  console.log(`written to ${RESULTS.pathname}`);
} finally {
  await new Promise<void>((resolve) => bareServer.close(() => resolve()));
  await server.close();
}
