/**
 * The analysis worker Lambda: SQS batches from the analysis queue, which the
 * upload topic fills with S3 ObjectCreated notifications for originals (raw
 * delivery: the same bodies the thumbnail queue gets). Each record makes the
 * analysis JPEG with wasm-vips and asks Rekognition for labels and moderation.
 * The container is built once per Lambda instance, at module scope.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { Container } from 'inversify';
import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import { parseAnalysisEnv } from '../composition/analysis-env.js';
import { analysisJobEntry } from '../composition/analysis-job-log.js';
import { parseAwsConfig } from '../composition/aws-config.js';
import { awsAdapters } from '../composition/aws-module.js';
import { coreModule } from '../composition/core-module.js';
import { wasmVipsImages } from '../composition/image-module.js';
import { rekognitionAnalyzer } from '../composition/rekognition-module.js';
import { TOKENS as T } from '../composition/tokens.js';
import { sqsWorker } from './sqs-worker.js';

const config = parseAwsConfig(process.env);
const analysis = parseAnalysisEnv(process.env);
const logger = new Logger({ serviceName: 'pixport-analysis' });
const metrics = new Metrics({ namespace: 'Pixport', serviceName: 'pixport-analysis' });
const tracer = new Tracer({ serviceName: 'pixport-analysis' });

// Every SDK call, Rekognition's too, is an X-Ray subsegment.
const traceClients = { instrument: <C extends object>(client: C) => tracer.captureAWSv3Client(client) };

const container = new Container();
container.load(
  coreModule({ ...config, analysis, storageAnnouncesUploads: true }),
  awsAdapters(config, traceClients),
  wasmVipsImages(),
  rekognitionAnalyzer(config, traceClients),
);
const analyzeMedia = container.get(T.AnalyzeMedia);

async function analyze(job: ThumbnailJob): Promise<void> {
  const started = performance.now();
  const outcome = await analyzeMedia.execute(job);
  const durationMs = performance.now() - started;
  if (outcome.kind === 'analyzed') {
    metrics.addMetric('PhotosAnalyzed', MetricUnit.Count, 1);
    if (outcome.photo.moderation?.verdict !== 'allow')
      metrics.addMetric('PhotosFlagged', MetricUnit.Count, 1);
  }
  if (outcome.kind === 'failed') metrics.addMetric('AnalysesFailed', MetricUnit.Count, 1);
  if (outcome.kind !== 'skipped') metrics.addMetric('AnalysisDuration', MetricUnit.Milliseconds, durationMs);
  logger.info('analysis job', analysisJobEntry(job, outcome, durationMs));
}

/**
 * The Lambda handler: an original that landed (or a queued job) is analysed;
 * analysis needs no acceptance of its own, it reads the original, and the
 * thumbnail worker accepts the upload. Partial batch failures, so one record
 * that failed for a reason a retry may cure never fails the others.
 *
 * @example
 * const { batchItemFailures } = await handler(sqsEvent, context);
 */
export const handler = sqsWorker({ logger, metrics, tracer, bucket: config.bucket }, (message) =>
  analyze(message.job),
);
