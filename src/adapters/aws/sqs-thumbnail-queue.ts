import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';

/** Which queue an SqsThumbnailQueue sends to. */
export interface SqsThumbnailQueueConfig {
  readonly queueUrl: string;
}

/** The wire form of a job on the queue, told apart from S3 notifications by `type`. */
export interface ThumbnailJobMessage {
  readonly type: 'thumbnail-job';
  readonly ownerId: string;
  readonly photoId: string;
}

/**
 * ThumbnailQueue on SQS: one message per job, read by the thumbnail worker
 * Lambda next to the S3 notifications that share the queue. Delivery is at
 * least once; the worker is idempotent.
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
    const message: ThumbnailJobMessage = {
      type: 'thumbnail-job',
      ownerId: job.ownerId,
      photoId: job.photoId,
    };
    await this.sqs.send(
      new SendMessageCommand({ QueueUrl: this.config.queueUrl, MessageBody: JSON.stringify(message) }),
    );
  }
}
