import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';
import { ThumbnailJobMessage } from '../wire/thumbnail-job-message.js';

/** Which queue an SqsThumbnailQueue sends to. */
export interface SqsThumbnailQueueConfig {
  readonly queueUrl: string;
}

/**
 * ThumbnailQueue on SQS: one message per job ({@link ThumbnailJobMessage} as
 * JSON), read by the thumbnail worker Lambda next to the S3 notifications that
 * share the queue. Delivery is at least once; the worker is idempotent.
 *
 * @example
 * const queue = new SqsThumbnailQueue(new SQSClient({}), { queueUrl });
 * await queue.enqueue({ ownerId, photoId });
 */
export class SqsThumbnailQueue implements ThumbnailQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly config: SqsThumbnailQueueConfig,
  ) {}

  async enqueue(job: ThumbnailJob): Promise<void> {
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.config.queueUrl,
        MessageBody: JSON.stringify(ThumbnailJobMessage.encode(job)),
      }),
    );
  }
}
