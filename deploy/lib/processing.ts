import { posix } from 'node:path';
import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { consumerQueue, DLQ_RETENTION, MAX_RECEIVE_COUNT } from './fan-out.js';
import { allow } from './grants.js';
import {
  esbuildArgs,
  IMAGE_WORKER_THREAD,
  LAMBDA_ENTRIES,
  THREAD_PACKAGE_JSON,
  WORKER_PACKAGE_FILES,
} from './lambda-bundle.js';
import { NodeLambda } from './node-lambda.js';
import { ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

/**
 * Worker memory, sized from the core bench (bench/results/images.md, peak RSS as
 * VmHWM of a fresh process): a 24 MP JPEG through WasmVipsImageProcessor peaks at
 * about 290-385 MiB for the whole process, and a soak of 1,000 12-24 MP photos in
 * one process peaked at 452 MiB with the worker thread replaced the first time a
 * render grew its WebAssembly heap. Add the originals of one batch, held at once
 * (Powertools runs a batch's records concurrently; the processor renders them one at
 * a time), 50 MiB each at worst, plus the copy handed to the thread: about 1 GB at
 * worst.
 * 1,769 MB is where Lambda gives one whole vCPU; the pipeline is single threaded, so
 * more memory buys no speed, while less slows it (CPU is allotted in proportion to
 * memory) and thins the headroom a 50 MP PNG (no shrink-on-load) may need.
 */
export const WORKER_MEMORY_MB = 1769;
/**
 * A 12-24 MP photo takes 0.7-1.5 s to render (the bench's processor column); a
 * batch of {@link WORKER_BATCH_SIZE} 50 MP originals at about 2.5x that, plus a
 * cold wasm-vips start (0.4 s) and S3 transfers, fits with room to spare.
 */
export const WORKER_TIMEOUT = Duration.seconds(60);
export const WORKER_BATCH_SIZE = 5;
/**
 * Most worker instances one queue runs at once (the event source's MaximumConcurrency).
 * 10 instances of {@link WORKER_BATCH_SIZE} render about 9 photos a second (1.1 s each
 * with S3 and DynamoDB), 780,000 a day, while a burst of uploads waits in the queue instead of taking the
 * account's Lambda concurrency and DynamoDB's capacity; the job-age alarm says when it
 * waits too long. SQS event sources take 2 to 1,000.
 */
export const WORKER_MAX_CONCURRENCY = 10;
/** AWS's advice for SQS event sources: at least six times the function's timeout. */
export const QUEUE_VISIBILITY_TIMEOUT = Duration.seconds(WORKER_TIMEOUT.toSeconds() * 6);
export { DLQ_RETENTION, MAX_RECEIVE_COUNT };

/** Options of {@link ThumbnailProcessing}. */
export interface ThumbnailProcessingProps {
  readonly photos: Bucket;
  readonly table: Table;
  /** The upload topic (fan-out.ts) the thumbnail queue subscribes to. */
  readonly uploads: ITopic;
  readonly logRetention: RetentionDays;
  /** Most worker instances the queue may run at once (2-1000). Default {@link WORKER_MAX_CONCURRENCY}. */
  readonly maxConcurrency?: number;
  /** The environment the worker's composition root reads (bucket, table, queue...). */
  readonly environment: (queue: Queue) => Record<string, string>;
}

/**
 * From an original landing in S3 to its renditions: ObjectCreated events under
 * `originals/` reach the thumbnail queue (with a DLQ) through the upload topic, with
 * raw delivery, so the body is S3's notification. The queue feeds the worker Lambda
 * in batches that report item failures, so one bad photo never retries the others.
 */
export class ThumbnailProcessing extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: NodejsFunction;

  constructor(scope: Construct, id: string, props: ThumbnailProcessingProps) {
    super(scope, id);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = consumerQueue(this, {
      uploads: props.uploads,
      workerTimeout: WORKER_TIMEOUT,
    }));

    this.worker = new NodeLambda(this, 'Worker', {
      entry: LAMBDA_ENTRIES['thumbnail-worker'],
      description: 'Pixport thumbnail worker: S3 notifications and thumbnail jobs from SQS',
      memorySize: WORKER_MEMORY_MB,
      timeout: WORKER_TIMEOUT,
      logRetention: props.logRetention,
      environment: props.environment(this.queue),
      afterBundling: shipWorkerPackages,
    }).fn;

    this.worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: WORKER_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: props.maxConcurrency ?? WORKER_MAX_CONCURRENCY,
      }),
    );

    // Reads originals (and HEADs them: s3:ListBucket makes a missing key a 404, not a 403),
    // writes renditions, deletes renditions of a photo deleted mid-job. Of originals it
    // deletes the discarded (too large) and orphaned ones, and removes the pending-upload
    // tag of accepted ones; it never sets a tag. Exact actions (grants.ts): never a version
    // action, so nothing the worker does can undo what the bucket's versioning keeps.
    const originals = props.photos.arnForObjects(`${ORIGINALS_PREFIX}*`);
    const renditions = props.photos.arnForObjects(`${RENDITIONS_PREFIX}*`);
    allow(this.worker, ['s3:GetObject', 's3:DeleteObject', 's3:DeleteObjectTagging'], [originals]);
    allow(this.worker, ['s3:PutObject', 's3:DeleteObject'], [renditions]);
    allow(this.worker, ['s3:ListBucket'], [props.photos.bucketArn]);
    props.table.grantReadWriteData(this.worker);
    // No SendMessage: the worker accepts with `enqueue: false` and renders at once.
  }
}

/**
 * Completes the worker bundle as `npm run build` (scripts/build.ts) completes
 * dist/thumbnail-worker, from the same layout (lambda-bundle.ts): the image
 * worker thread beside `index.mjs` with the package.json that makes it an ES
 * module, and the files of wasm-vips and libheif-js it loads, under
 * node_modules. Copied from the installed packages, so bundling needs no network.
 */
export function shipWorkerPackages(inputDir: string, outputDir: string): string[] {
  const from = `${inputDir}/node_modules`;
  const dest = `${outputDir}/node_modules`;
  const dirs = new Set(WORKER_PACKAGE_FILES.map((file) => posix.dirname(`${dest}/${file}`)));
  return [
    shell([
      `${inputDir}/node_modules/.bin/esbuild`,
      `${inputDir}/${IMAGE_WORKER_THREAD.entry}`,
      ...esbuildArgs(),
      `--outfile=${outputDir}/${IMAGE_WORKER_THREAD.file}`,
    ]),
    `${shell(['printf', '%s', THREAD_PACKAGE_JSON])} > ${shell([`${outputDir}/package.json`])}`,
    shell(['mkdir', '-p', ...dirs]),
    ...WORKER_PACKAGE_FILES.map((file) => shell(['cp', `${from}/${file}`, `${dest}/${file}`])),
  ];
}

/** One command line for bash, which CDK runs the hooks with: every word single-quoted. */
function shell(words: readonly string[]): string {
  return words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
}
