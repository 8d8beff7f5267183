import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import { type Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { traced } from './tracing.js';
import { MalformedMessageError, parseWorkerMessage, type WorkerMessage } from './worker-message.js';

/** What a consumer of the upload queues is given: a message that names a photo. */
export type ConsumableMessage = Exclude<WorkerMessage, { kind: 'ignored' }>;

/** The Powertools a worker Lambda logs, counts and traces with, and the bucket its events must come from. */
export interface SqsWorkerTools {
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly tracer: Tracer;
  readonly bucket: string;
}

/**
 * The Lambda handler of a consumer of the upload queues (thumbnails, analysis):
 * each SQS record is parsed once; a body that can never parse is acknowledged
 * and logged (a retry only delays the DLQ), an event that is not for a worker
 * is acknowledged, and the rest go to `consume`. A record whose `consume`
 * throws is reported in batchItemFailures, so SQS redelivers it and finally
 * moves it to that queue's DLQ without failing the others.
 *
 * @example
 * export const handler = sqsWorker({ logger, metrics, tracer, bucket }, (message) => render(message.job));
 */
export function sqsWorker(
  tools: SqsWorkerTools,
  consume: (message: ConsumableMessage) => Promise<void>,
): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  const { logger, metrics, tracer, bucket } = tools;
  const processor = new BatchProcessor(EventType.SQS);

  // The processor handles a batch's records in parallel: each line names its record itself,
  // rather than through keys on the shared logger, which another record would change meanwhile.
  async function handleRecord(record: SQSRecord): Promise<void> {
    const { messageId } = record;
    try {
      let message: WorkerMessage;
      try {
        message = parseWorkerMessage(record.body, bucket);
      } catch (error) {
        if (!(error instanceof MalformedMessageError)) throw error;
        // Acknowledged, not retried: the same bytes will never parse, so a retry only
        // delays the DLQ. The log line (with the body) is the record of it.
        logger.error('malformed message dropped', { messageId, error, body: record.body.slice(0, 2048) });
        metrics.addMetric('MessagesDropped', MetricUnit.Count, 1);
        return;
      }
      if (message.kind === 'ignored') {
        logger.info('message ignored', { messageId, reason: message.reason });
        return;
      }
      await consume(message);
    } catch (error) {
      logger.error('message failed; SQS will redeliver it', { messageId, error });
      throw error;
    }
  }

  return async (event, context) => {
    logger.addContext(context);
    try {
      return await traced(tracer, () => processPartialResponse(event, handleRecord, processor, { context }));
    } finally {
      // A batch of skipped or malformed messages has nothing to count; Powertools would warn.
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    }
  };
}
