import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sqsWorker } from '../../../src/entrypoints/lambda/sqs-worker.js';
import { photoIdAt } from '../../support/fixtures.js';

/**
 * The batch processor handles a batch's records in parallel, so what a log
 * line says about its record must not come from state the records share.
 * Found by `npm run bench:chaos`: the worker's "message failed" lines had lost
 * their messageId, so a dead letter could not be traced to its failures.
 */

const bucket = 'pixport-photos';
const slowPhoto = photoIdAt(Date.parse('2026-12-01T10:00:00Z'));
const fastPhoto = photoIdAt(Date.parse('2026-12-01T10:00:01Z'));

const notification = (id: string, photoId: string): SQSRecord => ({
  messageId: id,
  receiptHandle: `handle-${id}`,
  body: JSON.stringify({
    Records: [
      {
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: bucket }, object: { key: `originals/alice/${photoId}`, size: 10 } },
      },
    ],
  }),
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '1',
    SenderId: 'sender',
    ApproximateFirstReceiveTimestamp: '1',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:pixport-thumbnails',
  awsRegion: 'us-east-1',
});

const context = { functionName: 'pixport-thumbnails', awsRequestId: 'req-1' } as Context;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('sqsWorker', () => {
  it('names the failed message on its error line, whatever the other records of the batch did', async () => {
    // Dev mode writes through the global console, where the test reads it.
    vi.stubEnv('POWERTOOLS_DEV', 'true');
    const lines: Record<string, unknown>[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: unknown) => {
      lines.push(JSON.parse(String(line)) as Record<string, unknown>);
    });
    const handler = sqsWorker(
      {
        logger: new Logger({ serviceName: 'test', logLevel: 'ERROR' }),
        metrics: new Metrics({ namespace: 'Test', serviceName: 'test' }),
        tracer: new Tracer({ serviceName: 'test', enabled: false }),
        bucket,
      },
      async (message) => {
        // The first record fails after the second has finished.
        if (message.job.photoId === slowPhoto) {
          await sleep(20);
          throw new Error('S3 is down');
        }
      },
    );
    const event: SQSEvent = {
      Records: [notification('slow', slowPhoto), notification('fast', fastPhoto)],
    };

    expect(await handler(event, context)).toEqual({ batchItemFailures: [{ itemIdentifier: 'slow' }] });
    const failed = lines.filter((l) => l.message === 'message failed; SQS will redeliver it');
    expect(failed.map((l) => l.messageId)).toEqual(['slow']);
  });
});
