/**
 * `npm run bench:chaos` (tsx bench/chaos.ts): the AWS path under transient
 * faults. The Lambda handlers, bundled as they are deployed (scripts/build.ts:
 * http in this thread, thumbnail-worker in worker threads, one per Lambda
 * instance), run against fauxqs and dynalite (test/support/emulators.ts), each
 * endpoint behind a fault-injecting proxy (test/support/fault-proxy.ts) that
 * fails a share of S3, SQS and DynamoDB calls: half before they are carried
 * out, half after.
 *
 * A round uploads CHAOS_UPLOADS photos as the page does (register, presigned
 * PUT, the page's retries) while the worker's event source (bench/chaos/
 * event-source.ts) receives with a short visibility timeout, invokes, and
 * deletes what succeeded; S3's ObjectCreated notifications are made from the
 * PUTs that S3 carried out, whatever the client was told (with some sent
 * twice, as S3 may). A few instances are killed just after reading an
 * original, mid-render. Round 1 runs at 20% faults; round 2 at 50%, then one
 * redrive of the DLQ and the worker again. The census at the end of each phase
 * (bench/chaos/census.ts) goes straight to the emulators.
 *
 * Env: CHAOS_UPLOADS (1000), CHAOS_SEED (18), CHAOS_RATES (0.2,0.5),
 * CHAOS_REDRIVE_RATE (0: the outage is over when an operator redrives), CHAOS_KILLS (3 a round), CHAOS_INSTANCES (3),
 * CHAOS_BATCH (5), CHAOS_CLIENTS (32), CHAOS_OWNERS (20),
 * CHAOS_VISIBILITY_SECONDS (10), CHAOS_TIMEOUT_MS (10000),
 * CHAOS_DUPLICATE_NOTIFICATIONS (0.02), CHAOS_ROUND_SECONDS (600), CHAOS_ROUNDS
 * (2; 1 runs round 1 only and prints its figures without writing them), CHAOS_BUNDLES
 * (a directory `npm run build` wrote; by default the bench builds its own),
 * CHAOS_LOG_LEVEL (the Lambdas' POWERTOOLS_LOG_LEVEL, SILENT; ERROR prints
 * every failure, with the message id a dead letter keeps).
 *
 * Writes bench/results/chaos.md and prints it. Exits 0 whether or not the
 * targets are met; the report says which.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageCommand, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { MAX_RECEIVE_COUNT } from '../deploy/lib/fan-out.js';
import { startEmulators } from '../test/support/emulators.js';
import { type FaultService, type ForwardedCall, startFaultProxy } from '../test/support/fault-proxy.js';
import { photoJpeg } from '../test/support/images.js';
import { seededRandom } from '../test/support/seeded-random.js';
import { objectCreated } from './chaos/aws-events.js';
import { EventSource } from './chaos/event-source.js';
import { render } from './chaos/report.js';
import { type PhaseResult, type RoundContext, runRound } from './chaos/round.js';
import type { HttpHandler } from './chaos/upload-clients.js';

const num = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const UPLOADS = num('CHAOS_UPLOADS', 1000);
const SEED = num('CHAOS_SEED', 18);
const RATES = (process.env.CHAOS_RATES ?? '0.2,0.5').split(',').map(Number) as [number, number];
const REDRIVE_RATE = num('CHAOS_REDRIVE_RATE', 0);
const KILLS = num('CHAOS_KILLS', 3);
const INSTANCES = num('CHAOS_INSTANCES', 3);
const BATCH = num('CHAOS_BATCH', 5);
const CLIENTS = num('CHAOS_CLIENTS', 32);
const OWNERS = num('CHAOS_OWNERS', 20);
const VISIBILITY_SECONDS = num('CHAOS_VISIBILITY_SECONDS', 10);
const TIMEOUT_MS = num('CHAOS_TIMEOUT_MS', 10_000);
const DUPLICATE_NOTIFICATIONS = num('CHAOS_DUPLICATE_NOTIFICATIONS', 0.02);
const ROUND_MS = num('CHAOS_ROUND_SECONDS', 600) * 1000;
const ROUNDS = num('CHAOS_ROUNDS', 2);
/** How long after an instance has read an original it is killed: within its render of a 320x240 JPEG. */
const KILL_DELAY_MS = 15;
const RESULTS = new URL('./results/chaos.md', import.meta.url);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The functions' code as Lambda runs it: the bundles of scripts/build.ts, made
 * into a directory of their own (dist/ may be another build's), or
 * CHAOS_BUNDLES, a directory `npm run build` wrote.
 */
async function bundles(): Promise<{ dir: string; made: boolean }> {
  if (process.env.CHAOS_BUNDLES) return { dir: process.env.CHAOS_BUNDLES, made: false };
  const dir = await mkdtemp(join(os.tmpdir(), 'pixport-chaos-'));
  await promisify(execFile)(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build.ts'), dir], {
    cwd: ROOT,
  });
  return { dir, made: true };
}

/** One line a phase, printed as a round ends: the run is long, and its table comes only at the end. */
const summary = (phases: readonly PhaseResult[]): string =>
  phases
    .map(({ label, seconds, census: c }) => {
      const stuck = Object.values(c.stuck).reduce((a, b) => a + b, 0);
      return `${label}: ${c.ready} / ${c.uploads} ready, ${stuck} stuck, DLQ ${c.dlq} (${seconds.toFixed(0)} s)`;
    })
    .join('\n');

async function main(): Promise<void> {
  const runStarted = Date.now();
  const code = await bundles();
  const emulators = await startEmulators();
  const aws = emulators.info;
  const common = {
    region: aws.region,
    credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
  };
  // The bench's own calls go straight to the emulators: they are the observer, not the system.
  const direct = {
    s3: new S3Client({ ...common, endpoint: aws.s3Endpoint, forcePathStyle: true }),
    sqs: new SQSClient({ ...common, endpoint: aws.sqsEndpoint, useQueueUrlAsEndpoint: false }),
    dynamo: new DynamoDBClient({ ...common, endpoint: aws.dynamodbEndpoint }),
  };
  // The deployed queue's DLQ policy, not the test setup's (3 receives).
  await direct.sqs.send(
    new SetQueueAttributesCommand({
      QueueUrl: aws.queueUrl,
      Attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: `arn:aws:sqs:${aws.region}:000000000000:pixport-thumbnails-dlq`,
          maxReceiveCount: MAX_RECEIVE_COUNT,
        }),
      },
    }),
  );

  let notifying = 0;
  const notifyRandom = seededRandom(SEED + 100);
  const notify = (key: string, size: number) => {
    const copies = notifyRandom() < DUPLICATE_NOTIFICATIONS ? 2 : 1;
    notifying++;
    Promise.all(
      Array.from({ length: copies }, () =>
        direct.sqs.send(
          new SendMessageCommand({
            QueueUrl: aws.queueUrl,
            MessageBody: objectCreated(aws.bucket, key, size),
          }),
        ),
      ),
    )
      .catch((error: unknown) => console.error('notification not sent', key, error))
      .finally(() => notifying--);
  };

  const kills = { prefix: '', at: new Set<number>(), reads: 0 };
  let source: EventSource | undefined;
  const onS3Call = (call: ForwardedCall) => {
    const url = new URL(call.url, 'http://s3');
    const path = decodeURIComponent(url.pathname);
    const originals = `/${aws.bucket}/originals/`;
    if (!path.startsWith(originals) || call.status !== 200) return;
    // Subresources (tagging, multipart) are not the object itself.
    if (['tagging', 'uploadId', 'uploads'].some((name) => url.searchParams.has(name))) return;
    const key = path.slice(`/${aws.bucket}/`.length);
    // S3 announces what it stored, whether or not the client heard it answer.
    if (call.method === 'PUT') notify(key, call.bodyBytes);
    if (call.method === 'GET' && !call.faulted && key.startsWith(`originals/${kills.prefix}`)) {
      if (kills.at.has(++kills.reads)) setTimeout(() => source?.killHolding(key), KILL_DELAY_MS);
    }
  };

  const upstreams: Record<FaultService, string> = {
    s3: aws.s3Endpoint,
    sqs: aws.sqsEndpoint,
    dynamodb: aws.dynamodbEndpoint,
  };
  const proxies = Object.fromEntries(
    await Promise.all(
      (['s3', 'sqs', 'dynamodb'] as const).map(async (service, i) => [
        service,
        await startFaultProxy({
          service,
          upstream: upstreams[service],
          rate: 0,
          random: seededRandom(SEED + i),
          ...(service === 's3' ? { onForwarded: onS3Call } : {}),
        }),
      ]),
    ),
  ) as RoundContext['proxies'];

  // The Lambdas' configuration, as the stack sets it, with every endpoint behind its proxy.
  const lambdaEnv = {
    AWS_ACCESS_KEY_ID: aws.accessKeyId,
    AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
    AWS_REGION: aws.region,
    AWS_ENDPOINT_URL_S3: proxies.s3.url,
    AWS_ENDPOINT_URL_SQS: proxies.sqs.url,
    AWS_ENDPOINT_URL_DYNAMODB: proxies.dynamodb.url,
    PHOTOS_BUCKET: aws.bucket,
    PHOTOS_TABLE: aws.table,
    THUMBNAIL_QUEUE_URL: aws.queueUrl,
    S3_FORCE_PATH_STYLE: 'true',
    POWERTOOLS_LOG_LEVEL: process.env.CHAOS_LOG_LEVEL ?? 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
  };
  Object.assign(process.env, lambdaEnv);
  // One http instance per client, as Lambda gives each concurrent request its own: a module
  // imported under another query is another module, with its own container and SDK clients.
  const httpUrl = pathToFileURL(join(code.dir, 'http/index.mjs')).href;
  const http = await Promise.all(
    Array.from(
      { length: CLIENTS },
      async (_, i) => (await import(`${httpUrl}?instance=${i}`)).handler as HttpHandler,
    ),
  );

  source = new EventSource({
    // The event source's own receives and deletes meet SQS's faults too.
    sqs: new SQSClient({ ...common, endpoint: proxies.sqs.url, useQueueUrlAsEndpoint: false }),
    queueUrl: aws.queueUrl,
    queueArn: `arn:aws:sqs:${aws.region}:000000000000:pixport-thumbnails`,
    concurrency: INSTANCES,
    batchSize: BATCH,
    visibilitySeconds: VISIBILITY_SECONDS,
    timeoutMs: TIMEOUT_MS,
    env: { ...process.env, ...lambdaEnv },
    handlerUrl: pathToFileURL(join(code.dir, 'thumbnail-worker/index.mjs')).href,
  });
  const images = await Promise.all(
    Array.from({ length: 8 }, (_, i) => photoJpeg({ width: 320, height: 240, seed: i + 1 })),
  );
  const ctx: RoundContext = {
    http,
    proxies,
    source,
    census: {
      ...direct,
      bucket: aws.bucket,
      table: aws.table,
      queueUrl: aws.queueUrl,
      deadLetterQueueUrl: aws.deadLetterQueueUrl,
    },
    images,
    random: seededRandom(SEED + 200),
    notifying: () => notifying,
    planKills: (prefix, at) => Object.assign(kills, { prefix, at: new Set(at), reads: 0 }),
  };
  const round = { owners: OWNERS, uploads: UPLOADS, clients: CLIENTS, kills: KILLS, deadlineMs: ROUND_MS };

  const phases: PhaseResult[] = [];
  const judged: PhaseResult[] = [];
  try {
    const first = await runRound(ctx, {
      ...round,
      name: 'round 1',
      ownerPrefix: 'chaos-r1-',
      rate: RATES[0],
    });
    phases.push(...first);
    judged.push(first.at(-1) as PhaseResult);
    console.log(summary(first));
    if (ROUNDS >= 2) {
      const second = await runRound(ctx, {
        ...round,
        name: 'round 2',
        ownerPrefix: 'chaos-r2-',
        rate: RATES[1],
        redriveRate: REDRIVE_RATE,
      });
      phases.push(...second);
      judged.push(second.at(-1) as PhaseResult);
    }
  } finally {
    await source.shutdown();
    for (const proxy of Object.values(proxies)) await proxy.close();
    await emulators.stop();
    if (code.made) await rm(code.dir, { recursive: true, force: true });
  }

  const cpus = os.cpus();
  const header = `# bench:chaos

\`npm run bench:chaos\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus.length} × ${cpus[0]?.model.trim() ?? 'CPU'}, ${os.platform()} ${os.arch()}; fauxqs (S3, SQS) and dynalite (DynamoDB) on 127.0.0.1, each behind a fault proxy (seed ${SEED}). Whole run ${((Date.now() - runStarted) / 1000).toFixed(0)} s; load average at the end ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' / ')}.

${UPLOADS} uploads a round (320x240 JPEGs, ${OWNERS} owners, ${CLIENTS} clients at once, the page's retries) through the http bundle (one instance per client) and presigned PUTs; the thumbnail worker bundle in ${INSTANCES} instances (worker threads), batches of ${BATCH}, visibility timeout ${VISIBILITY_SECONDS} s, function timeout ${TIMEOUT_MS / 1000} s, DLQ after ${MAX_RECEIVE_COUNT} receives (as deployed); ${KILLS} instances killed mid-render a round; ${DUPLICATE_NOTIFICATIONS * 100}% of S3 notifications sent twice. A fault is a 500 in the service's own error shape: half before the call is carried out, half after. The redrive runs at ${REDRIVE_RATE * 100}% faults.`;
  const text = render(phases, judged, header);
  // A shorter run is a check on the way, not the figures of record.
  if (ROUNDS >= 2) {
    await mkdir(new URL('./', RESULTS), { recursive: true });
    await writeFile(RESULTS, text);
  }
  console.log(text);
}

await main();
// The http handler's SDK clients keep sockets to the closed proxies open; nothing else is left to do.
process.exit(0);
