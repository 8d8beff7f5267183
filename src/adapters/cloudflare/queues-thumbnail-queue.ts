import type { Queue } from '@cloudflare/workers-types/index.js';
import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';
import { ThumbnailJobMessage } from '../wire/thumbnail-job-message.js';

/**
 * ThumbnailQueue on Cloudflare Queues producer bindings, one per consumer
 * (thumbnails, analysis): the fan-out. Each gets one JSON message per job
 * ({@link ThumbnailJobMessage}, the same body the SQS adapter sends), read by the
 * Worker's `queue` handler, so each consumer retries and dead-letters on its own.
 * Delivery is at least once (a failed send throws, and a retried accept may send
 * again to a queue that had it); the consumers are idempotent.
 *
 * @example
 * const queue = new QueuesThumbnailQueue(env.THUMBNAIL_JOBS, env.ANALYSIS_JOBS);
 * await queue.enqueue({ ownerId, photoId });
 */
export class QueuesThumbnailQueue implements ThumbnailQueue {
  private readonly queues: readonly Queue<ThumbnailJobMessage>[];

  constructor(...queues: Queue<ThumbnailJobMessage>[]) {
    this.queues = queues;
  }

  async enqueue(job: ThumbnailJob): Promise<void> {
    const body = ThumbnailJobMessage.encode(job);
    await Promise.all(this.queues.map((queue) => queue.send(body, { contentType: 'json' })));
  }
}
