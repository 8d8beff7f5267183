import type { Queue } from '@cloudflare/workers-types/index.js';
import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';

/** The wire form of a job on the queue: the same body the SQS adapter sends. */
export interface ThumbnailJobMessage {
  readonly type: 'thumbnail-job';
  readonly ownerId: string;
  readonly photoId: string;
}

/**
 * ThumbnailQueue on a Cloudflare Queues producer binding: one JSON message per
 * job, read by the Worker's `queue` handler. Delivery is at least once; the
 * consumer is idempotent.
 *
 * @example
 * const queue = new QueuesThumbnailQueue(env.THUMBNAIL_JOBS);
 * await queue.enqueue({ ownerId, photoId });
 */
export class QueuesThumbnailQueue implements ThumbnailQueue {
  constructor(private readonly queue: Queue<ThumbnailJobMessage>) {}

  async enqueue(job: ThumbnailJob): Promise<void> {
    await this.queue.send(
      { type: 'thumbnail-job', ownerId: job.ownerId, photoId: job.photoId },
      { contentType: 'json' },
    );
  }
}
