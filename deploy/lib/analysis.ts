import { Duration } from 'aws-cdk-lib';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { consumerQueue } from './fan-out.js';
import { allow } from './grants.js';
import { LAMBDA_ENTRIES } from './lambda-bundle.js';
import { NodeLambda } from './node-lambda.js';
import { shipWorkerPackages, WORKER_MEMORY_MB } from './processing.js';
import { ORIGINALS_PREFIX, RENDITIONS_PREFIX } from './storage.js';

/**
 * The analysis worker's timeout: per record one decode of the original into a JPEG of at
 * most 1024 px (the thumbnail worker's decode, about 1 s for 24 MP, 2.5x that at 50 MP)
 * and two Rekognition calls at once (about 0.5-1 s), for a batch of
 * {@link ANALYSIS_BATCH_SIZE} processed concurrently but decoded one at a time.
 */
export const ANALYSIS_TIMEOUT = Duration.seconds(60);
export const ANALYSIS_BATCH_SIZE = 5;
/** Most analysis instances at once: Rekognition's default quota is 50 DetectLabels calls a second per region. */
export const ANALYSIS_MAX_CONCURRENCY = 5;
/** The Rekognition actions the analysis worker calls, and nothing else of Rekognition. */
export const REKOGNITION_ACTIONS = ['rekognition:DetectLabels', 'rekognition:DetectModerationLabels'];

/**
 * The moderation policy of a deployment (src/domain/moderation-policy.ts), handed to the
 * worker as `MODERATION_*` variables; what is left out keeps the worker's default.
 */
export interface ModerationSettings {
  /** `flag` (default) records a verdict; `block` also rejects blocked photos. */
  readonly mode?: 'flag' | 'block';
  /** 0-100, default 60. */
  readonly reviewAt?: number;
  /** 0-100, at least `reviewAt`, default 85. */
  readonly blockAt?: number;
  /** Rekognition's top-level categories that count. Default Explicit, Violence, Visually Disturbing, Hate Symbols. */
  readonly categories?: readonly string[];
}

/** The worker's variables for `moderation`; throws at synth on values the worker would refuse at start. */
export function moderationEnvironment(moderation: ModerationSettings = {}): Record<string, string> {
  const { mode, reviewAt, blockAt, categories } = moderation;
  for (const [key, value] of [
    ['reviewAt', reviewAt],
    ['blockAt', blockAt],
  ] as const) {
    if (value !== undefined && !(value >= 0 && value <= 100))
      throw new Error(`moderation ${key} is 0-100, not ${value}`);
  }
  if ((reviewAt ?? 60) > (blockAt ?? 85)) throw new Error('moderation reviewAt must not be over blockAt');
  if (categories !== undefined && categories.length === 0)
    throw new Error('moderation needs at least one category');
  return {
    ...(mode ? { MODERATION_MODE: mode } : {}),
    ...(reviewAt !== undefined ? { MODERATION_REVIEW_AT: String(reviewAt) } : {}),
    ...(blockAt !== undefined ? { MODERATION_BLOCK_AT: String(blockAt) } : {}),
    ...(categories ? { MODERATION_CATEGORIES: categories.join(',') } : {}),
  };
}

/** Options of {@link AnalysisProcessing}. */
export interface AnalysisProcessingProps {
  /** The upload topic (fan-out.ts) the analysis queue subscribes to. */
  readonly uploads: ITopic;
  readonly photos: Bucket;
  readonly table: Table;
  readonly logRetention: RetentionDays;
  /** The environment the worker's composition root reads (bucket, table, queue...). */
  readonly environment: Record<string, string>;
  readonly moderation?: ModerationSettings;
}

/**
 * Image analysis (labels and moderation with Rekognition): its own queue on the upload
 * topic, with its own DLQ, feeding the analysis worker in batches that report item
 * failures, so analysis never holds up thumbnails nor the reverse. The worker writes
 * the analysis JPEG beside the renditions and hands Rekognition its S3 reference.
 */
export class AnalysisProcessing extends Construct {
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly worker: NodejsFunction;

  constructor(scope: Construct, id: string, props: AnalysisProcessingProps) {
    super(scope, id);
    ({ queue: this.queue, deadLetterQueue: this.deadLetterQueue } = consumerQueue(this, {
      uploads: props.uploads,
      workerTimeout: ANALYSIS_TIMEOUT,
    }));

    this.worker = new NodeLambda(this, 'Worker', {
      entry: LAMBDA_ENTRIES['analysis-worker'],
      description: 'Pixport analysis worker: labels and moderation with Rekognition, from SQS',
      // The same decode as the thumbnail worker, so the same peak (processing.ts).
      memorySize: WORKER_MEMORY_MB,
      timeout: ANALYSIS_TIMEOUT,
      logRetention: props.logRetention,
      environment: { ...props.environment, ...moderationEnvironment(props.moderation) },
      afterBundling: shipWorkerPackages,
    }).fn;
    this.worker.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: ANALYSIS_BATCH_SIZE,
        reportBatchItemFailures: true,
        maxConcurrency: ANALYSIS_MAX_CONCURRENCY,
      }),
    );

    // Reads originals; writes the analysis JPEG, which Rekognition then reads with the
    // worker's own credentials (s3:GetObject on it); deletes it when the photo went meanwhile.
    const analysisImages = props.photos.arnForObjects(`${RENDITIONS_PREFIX}*/analysis.jpg`);
    allow(this.worker, ['s3:GetObject'], [props.photos.arnForObjects(`${ORIGINALS_PREFIX}*`)]);
    allow(this.worker, ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], [analysisImages]);
    allow(this.worker, ['s3:ListBucket'], [props.photos.bucketArn]);
    // Rekognition's image operations take no resource-level permissions: `*` is the only resource.
    allow(this.worker, REKOGNITION_ACTIONS, ['*']);
    props.table.grantReadWriteData(this.worker);
  }
}
