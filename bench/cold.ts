/**
 * Cold-start benchmark of the Lambda bundles: `npm run bench:cold`
 * (tsx bench/cold.ts; builds with scripts/build.ts first).
 *
 * For each bundle (http, thumbnail-worker, and a bare hono Lambda handler as
 * the yardstick) it reports the size, and the cold init in a fresh node
 * process: the import of the bundle (module scope: config, container, SDK
 * clients) plus one request or event against fauxqs and dynalite on
 * 127.0.0.1, as a Lambda's first invocation pays them. Medians of
 * BENCH_RUNS (default 9) processes, run alternately so machine noise hits all
 * alike. The worker's event is a real ObjectCreated for a 1200x800 JPEG, so
 * its figure includes wasm-vips' start and one render, and each run checks that
 * the photo came out `ready`: the run doubles as the proof that the bundle,
 * its worker thread and the copied wasm-vips work together.
 *
 * Writes bench/results/cold.md and prints it.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { build } from 'esbuild';
import { nodeBundle } from '../scripts/bundles.js';
import { DynamoDbPhotoRepository } from '../src/adapters/aws/dynamodb-photo-repository.js';
import { S3BlobStore } from '../src/adapters/aws/s3-blob-store.js';
import type { OwnerId } from '../src/domain/owner-id.js';
import { Photo } from '../src/domain/photo.js';
import { PhotoId } from '../src/domain/photo-id.js';
import { StorageKeys } from '../src/domain/storage-keys.js';
import { startEmulators } from '../test/support/emulators.js';
import { photoJpeg } from '../test/support/images.js';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const DIST = join(ROOT, 'dist');
const BARE = join(DIST, '.bench-bare-hono');
const RESULTS = join(ROOT, 'bench/results/cold.md');
const CHILD_FILE = join(BARE, 'child.mjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const HTTP_TARGET_BYTES = 1.5 * 1000 * 1000;

interface Sample {
  readonly importMs: number;
  readonly invokeMs: number;
  /** Spawn to exit, node's own start included. */
  readonly wallMs: number;
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

const dirSize = async (dir: string): Promise<number> => {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && !entry.name.endsWith('.map'))
      total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
};

function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('exit', (code) =>
      code === 0 ? done(out) : fail(new Error(`${command} ${args.join(' ')} exited ${code}\n${err}`)),
    );
  });
}

/** The child: imports a bundle and invokes its handler once, timing both. */
const CHILD = `
const t0 = performance.now();
const { handler } = await import(process.env.BENCH_BUNDLE);
const t1 = performance.now();
const result = await handler(JSON.parse(process.env.BENCH_EVENT), {
  functionName: 'bench', awsRequestId: 'bench-1', getRemainingTimeInMillis: () => 30000,
});
const t2 = performance.now();
process.stdout.write('\\nBENCH ' + JSON.stringify({ importMs: t1 - t0, invokeMs: t2 - t1, result }) + '\\n');
process.exit(0);
`;

async function coldRun(
  bundle: string,
  event: unknown,
  env: NodeJS.ProcessEnv,
): Promise<Sample & { result: unknown }> {
  const started = performance.now();
  // A file, not `-e`: worker threads inherit the parent's execArgv, and `--input-type` breaks them.
  const out = await run(process.execPath, [CHILD_FILE], {
    ...env,
    BENCH_BUNDLE: pathToFileURL(bundle).href,
    BENCH_EVENT: JSON.stringify(event),
  });
  const wallMs = performance.now() - started;
  const line = out.split('\n').find((l) => l.startsWith('BENCH '));
  if (!line) throw new Error(`no result from ${bundle}:\n${out}`);
  return { ...(JSON.parse(line.slice(6)) as Omit<Sample, 'wallMs'> & { result: unknown }), wallMs };
}

function apiEvent(owner: string) {
  const now = Date.now();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/photos',
    rawQueryString: 'limit=20',
    headers: { host: 'api.example.com', accept: 'application/json' },
    queryStringParameters: { limit: '20' },
    requestContext: {
      accountId: '123456789012',
      apiId: 'bench',
      authorizer: { jwt: { claims: { sub: owner }, scopes: null } },
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: {
        method: 'GET',
        path: '/photos',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'bench',
      },
      requestId: 'bench',
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    isBase64Encoded: false,
  };
}

function sqsEvent(bucket: string, key: string, size: number) {
  const body = JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-east-1',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: key.split('/').map(encodeURIComponent).join('/'), size },
        },
      },
    ],
  });
  return {
    Records: [
      {
        messageId: crypto.randomUUID(),
        receiptHandle: 'bench',
        body,
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: String(Date.now()),
          SenderId: 'bench',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:pixport-thumbnails',
        awsRegion: 'us-east-1',
      },
    ],
  };
}

async function main(): Promise<void> {
  console.log('building the bundles ...');
  await run(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build.ts')]);
  await mkdir(BARE, { recursive: true });
  await build({
    stdin: {
      contents: `import { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
const app = new Hono();
app.get('/photos', (c) => c.json({ items: [] }));
export const handler = handle(app);`,
      resolveDir: ROOT,
      loader: 'ts',
    },
    // The Lambdas' own settings, so the yardstick differs from them only in its code.
    ...nodeBundle,
    outfile: join(BARE, 'index.mjs'),
  });
  await writeFile(CHILD_FILE, CHILD);

  const emulators = await startEmulators();
  const aws = emulators.info;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
    AWS_REGION: aws.region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL_S3: aws.s3Endpoint,
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamodbEndpoint,
    PHOTOS_BUCKET: aws.bucket,
    PHOTOS_TABLE: aws.table,
    THUMBNAIL_QUEUE_URL: aws.queueUrl,
    S3_FORCE_PATH_STYLE: 'true',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const credentials = { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey };
  const s3 = new S3Client({
    region: aws.region,
    credentials,
    endpoint: aws.s3Endpoint,
    forcePathStyle: true,
  });
  const ddb = new DynamoDBClient({ region: aws.region, credentials, endpoint: aws.dynamodbEndpoint });
  const blobs = new S3BlobStore(s3, { bucket: aws.bucket });
  const photos = new DynamoDbPhotoRepository(ddb, { tableName: aws.table });
  const owner = 'bench-owner' as OwnerId;
  const jpeg = await photoJpeg({ width: 1200, height: 800 });

  /** A pending photo whose original has landed: what the worker's first event finds. */
  const seedPhoto = async () => {
    const id = PhotoId.fromParts(Date.now(), crypto.getRandomValues(new Uint8Array(10)));
    await photos.save(
      Photo.register({
        id,
        ownerId: owner,
        filename: 'bench.jpg',
        contentType: 'image/jpeg',
        size: jpeg.byteLength,
        now: new Date(),
      }),
    );
    const key = StorageKeys.original(owner, id);
    await blobs.put(key, jpeg, { contentType: 'image/jpeg' });
    return { id, key };
  };

  const targets = [
    { name: 'bare hono handler', bundle: join(BARE, 'index.mjs'), dir: BARE },
    { name: 'http', bundle: join(DIST, 'http/index.mjs'), dir: join(DIST, 'http') },
    {
      name: 'thumbnail-worker',
      bundle: join(DIST, 'thumbnail-worker/index.mjs'),
      dir: join(DIST, 'thumbnail-worker'),
    },
  ];
  const samples = new Map<string, Sample[]>(targets.map((t) => [t.name, []]));
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const target of targets) {
        if (target.name === 'thumbnail-worker') {
          const { id, key } = await seedPhoto();
          const sample = await coldRun(target.bundle, sqsEvent(aws.bucket, key, jpeg.byteLength), env);
          const status = (await photos.get(owner, id))?.status;
          if (status !== 'ready')
            throw new Error(`the worker bundle left the photo ${status}: ${JSON.stringify(sample.result)}`);
          samples.get(target.name)?.push(sample);
        } else {
          const sample = await coldRun(target.bundle, apiEvent(owner), env);
          if ((sample.result as { statusCode?: number }).statusCode !== 200)
            throw new Error(`${target.name} answered ${JSON.stringify(sample.result)}`);
          samples.get(target.name)?.push(sample);
        }
      }
      process.stdout.write(`run ${i + 1}/${RUNS}\r`);
    }
  } finally {
    s3.destroy();
    ddb.destroy();
    await emulators.stop();
  }

  const rows: string[] = [];
  const figures: Record<string, { bundle: number; init: number }> = {};
  for (const target of targets) {
    const s = samples.get(target.name) ?? [];
    const bundle = (await stat(target.bundle)).size;
    const pkg = await dirSize(target.dir);
    const imp = median(s.map((x) => x.importMs));
    const inv = median(s.map((x) => x.invokeMs));
    const init = median(s.map((x) => x.importMs + x.invokeMs));
    const wall = median(s.map((x) => x.wallMs));
    figures[target.name] = { bundle, init };
    rows.push(
      `| ${target.name} | ${(bundle / 1e6).toFixed(2)} MB | ${(pkg / 1e6).toFixed(2)} MB | ${imp.toFixed(0)} | ${inv.toFixed(0)} | **${init.toFixed(0)}** | ${wall.toFixed(0)} |`,
    );
  }
  await rm(BARE, { recursive: true, force: true });

  const bare = figures['bare hono handler'];
  const http = figures.http;
  const ratio = bare && http ? http.init / bare.init : Number.NaN;
  const report = `# Cold start of the Lambda bundles

\`npm run bench:cold\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${RUNS} fresh processes per bundle (medians), against fauxqs and dynalite on 127.0.0.1.

Cold init = import of the bundle (module scope: configuration, container, SDK clients) + the first invocation
(http and the bare handler: \`GET /photos\`; http reads DynamoDB. Worker: one S3 ObjectCreated for a
1200×800 JPEG: DynamoDB, S3, wasm-vips start in its worker thread, three renditions, three puts).
Wall = spawn to exit of the process, Node's own start included. Bundle = index.mjs, minified;
package = everything the function ships (wasm-vips' .wasm files included), source maps excluded.

| bundle | bundle | package | import ms | first invocation ms | cold init ms | wall ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Targets: http bundle ≤ 1.5 MB: **${http && http.bundle <= HTTP_TARGET_BYTES ? 'met' : 'missed'}** (${((http?.bundle ?? 0) / 1e6).toFixed(2)} MB);
http cold init ≤ 2× the bare handler's: **${ratio <= 2 ? 'met' : 'missed'}** (${ratio.toFixed(2)}×).
The first invocation of the http bundle includes the SDK's first DynamoDB call (connection, signing);
the bare handler calls nothing.

Where the http bundle's import goes (separate bundles, import only, median of 5, measured once on
2026-11-22 on the machine above; not re-measured by this script): the three SDK clients with
lib-dynamodb and the presigner 58 ms; zod alone 28 ms (444 KiB of the 1.15 MB: the \`z\` namespace
is not tree-shaken); createApp (hono, zod, domain, use cases) 36 ms. The SDK's import alone is about
twice the bare handler's whole cold init, so the 2× target cannot be met while the function imports
the AWS SDK v3. What would move it: zod/mini or a lazy OpenAPI document in the http layer (about 25 ms),
Node's compile cache (\`module.enableCompileCache()\`) only helps inits after the first in a sandbox.
`;
  await mkdir(join(ROOT, 'bench/results'), { recursive: true });
  await writeFile(RESULTS, report);
  console.log(report);
}

await main();
