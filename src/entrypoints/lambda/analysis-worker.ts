/**
 * The analysis worker Lambda: SQS batches from the analysis queue, which the
 * upload topic fills with S3 ObjectCreated notifications for originals (raw
 * delivery: the same bodies the thumbnail queue gets). Each record makes the
 * analysis JPEG with wasm-vips and asks Rekognition for labels and moderation.
 * The container is built once per Lambda instance, at module scope.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
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
import { MalformedMessageError, parseWorkerMessage } from './worker-message.js';

const config = parseAwsConfig(process.env);
const analysis = parseAnalysisEnv(process.env);
const logger = new Logger({ serviceName: 'pixport-analysis' });
const metrics = new Metrics({ namespace: 'Pixport', serviceName: 'pixport-analysis' });

const container = new Container();
container.load(
  coreModule({ ...config, analysis, storageAnnouncesUploads: true }),
  awsAdapters(config),
  wasmVipsImages(),
  rekognitionAnalyzer(config),
);
const analyzeMedia = container.get(T.AnalyzeMedia);

const processor = new BatchProcessor(EventType.SQS);

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
 * One SQS record. Returning acknowledges it; throwing reports it in
 * batchItemFailures, so SQS redelivers it after the visibility timeout and
 * finally moves it to the analysis DLQ. The thumbnail consumer never sees it.
 */
async function handleRecord(record: SQSRecord): Promise<void> {
  logger.appendKeys({ messageId: record.messageId });
  try {
    let message: ReturnType<typeof parseWorkerMessage>;
    try {
      message = parseWorkerMessage(record.body, config.bucket);
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error;
      // No retry can make it parse: acknowledged, logged with its body.
      logger.error('malformed message dropped', { error, body: record.body.slice(0, 2048) });
      metrics.addMetric('MessagesDropped', MetricUnit.Count, 1);
      return;
    }
    if (message.kind === 'ignored') {
      logger.info('message ignored', { reason: message.reason });
      return;
    }
    // An original landed (or, elsewhere, a job was queued): analysis needs no acceptance
    // of its own, it reads the original. The thumbnail worker accepts the upload.
    await analyze(message.job);
  } catch (error) {
    logger.error('message failed; SQS will redeliver it', { error });
    throw error;
  } finally {
    logger.removeKeys(['messageId']);
  }
}

/**
 * The Lambda handler: partial batch failures, so one record that failed for a
 * reason a retry may cure never fails the others.
 *
 * @example
 * const { batchItemFailures } = await handler(sqsEvent, context);
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
  logger.addContext(context);
  try {
    return await processPartialResponse(event, handleRecord, processor, { context });
  } finally {
    // A batch of skipped or malformed messages has nothing to count; Powertools would warn.
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
};
