import type { Queue } from '@cloudflare/workers-types/index.js';
import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';
import { ThumbnailJobMessage } from '../wire/thumbnail-job-message.js';

/**
 * ThumbnailQueue on a Cloudflare Queues producer binding: one JSON message per
 * job ({@link ThumbnailJobMessage}, the same body the SQS adapter sends), read
 * by the Worker's `queue` handler. Delivery is at least once; the consumer is
 * idempotent.
 *
 * @example
 * const queue = new QueuesThumbnailQueue(env.THUMBNAIL_JOBS);
 * await queue.enqueue({ ownerId, photoId });
 */
export class QueuesThumbnailQueue implements ThumbnailQueue {
  constructor(private readonly queue: Queue<ThumbnailJobMessage>) {}

  async enqueue(job: ThumbnailJob): Promise<void> {
    await this.queue.send(ThumbnailJobMessage.encode(job), { contentType: 'json' });
  }
}
