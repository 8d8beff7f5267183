/**
 * The thumbnail worker Lambda: SQS batches of S3 ObjectCreated notifications
 * for originals, and the queue's own ThumbnailJob messages. The container and
 * the wasm-vips processor are built once per Lambda instance, at module scope;
 * the processor's worker thread is started on the first image and kept warm.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import { Container } from 'inversify';
import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import type { ThumbnailOutcome } from '../../application/use-cases/generate-thumbnail.js';
import { PhotoNotFoundError } from '../../domain/errors.js';
import { parseAwsConfig } from '../composition/aws-config.js';
import { awsAdapters } from '../composition/aws-module.js';
import { coreModule } from '../composition/core-module.js';
import { wasmVipsImages } from '../composition/image-module.js';
import { thumbnailJobEntry } from '../composition/thumbnail-job-log.js';
import { TOKENS as T } from '../composition/tokens.js';
import { type ConsumableMessage, sqsWorker } from './sqs-worker.js';

const config = parseAwsConfig(process.env);
const logger = new Logger({ serviceName: 'pixport-thumbnails' });
const metrics = new Metrics({ namespace: 'Pixport', serviceName: 'pixport-thumbnails' });
const tracer = new Tracer({ serviceName: 'pixport-thumbnails' });

const container = new Container();
// S3 notifications drive the thumbnails on AWS: a direct upload queues no job of its own.
container.load(
  coreModule({ ...config, storageAnnouncesUploads: true }),
  awsAdapters(config, { instrument: (client) => tracer.captureAWSv3Client(client) }),
  wasmVipsImages(),
);
const acceptUpload = container.get(T.AcceptUpload);
const generateThumbnail = container.get(T.GenerateThumbnail);
const blobs = container.get(T.BlobStore);
const uploadTagging = container.get(T.S3UploadTagging);

/** Renders one photo and counts the outcome; a permanent image problem is an outcome, not an error. */
async function render(job: ThumbnailJob): Promise<ThumbnailOutcome> {
  const started = performance.now();
  const outcome = await generateThumbnail.execute(job);
  const durationMs = performance.now() - started;
  if (outcome.kind === 'ready') metrics.addMetric('ThumbnailsMade', MetricUnit.Count, 1);
  if (outcome.kind === 'failed') metrics.addMetric('ThumbnailsFailed', MetricUnit.Count, 1);
  if (outcome.kind !== 'skipped') metrics.addMetric('ThumbnailDuration', MetricUnit.Milliseconds, durationMs);
  logger.info('thumbnail job', thumbnailJobEntry(job, outcome, durationMs));
  return outcome;
}

/**
 * One upload-queue message: the queue's own job is rendered; an original that
 * landed is accepted first (on AWS its S3 notification is the only signal),
 * rendered right here rather than queued again. Returning acknowledges the
 * record; throwing has SQS redeliver it and finally dead-letter it.
 */
async function consume(message: ConsumableMessage): Promise<void> {
  switch (message.kind) {
    case 'thumbnail-job':
      await render(message.job);
      return;
    case 'original-created': {
      // Renders right here rather than queueing a second message for it.
      const accepted = await acceptUpload.execute({ ...message.job, enqueue: false });
      if (!accepted.ok) {
        if (accepted.error instanceof PhotoNotFoundError) {
          // No record (deleted before its bytes arrived, or never registered): nothing can
          // ever accept these bytes, so they go now rather than after the lifecycle expiry.
          await blobs.deleteMany([message.key]);
          logger.warn('orphan original deleted', { ...message.job, key: message.key });
          metrics.addMetric('OrphanOriginalsDeleted', MetricUnit.Count, 1);
          return;
        }
        // No object (deleted since): nothing to make.
        logger.warn('upload not accepted', { ...message.job, key: message.key, error: accepted.error });
        return;
      }
      metrics.addMetric('UploadsAccepted', MetricUnit.Count, 1);
      // Accepted (processing, ready or failed): the original is kept, so it loses the
      // pending-upload tag the lifecycle rule expires by. Before rendering, so a render
      // that throws and is retried cannot leave an accepted original tagged.
      await uploadTagging.keepOriginal(message.key);
      await render(message.job);
      return;
    }
  }
}

/**
 * The Lambda handler: reports only the records that failed for a reason a
 * retry may cure, so one bad record never fails the others.
 *
 * @example
 * const { batchItemFailures } = await handler(sqsEvent, context);
 */
export const handler = sqsWorker({ logger, metrics, tracer, bucket: config.bucket }, consume);
