import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';
import type { InMemoryThumbnailQueue } from './in-memory-thumbnail-queue.js';

/**
 * The in-process fan-out: every accepted upload is enqueued once into each
 * consumer's own queue (thumbnails, analysis, video), as SNS does with one SQS queue
 * per subscriber. Each queue retries and dead-letters on its own, so a consumer
 * that fails or lags never holds up another.
 *
 * @example
 * const bus = new InMemoryUploadBus({ thumbnails: new InMemoryThumbnailQueue(), analysis: new InMemoryThumbnailQueue() });
 * await bus.enqueue({ ownerId, photoId }); // one delivery in each queue
 * bus.queue('analysis').consume(handler);
 */
export class InMemoryUploadBus<Consumer extends string> implements ThumbnailQueue {
  constructor(private readonly consumers: Readonly<Record<Consumer, InMemoryThumbnailQueue>>) {}

  async enqueue(job: ThumbnailJob): Promise<void> {
    const queues: InMemoryThumbnailQueue[] = Object.values(this.consumers);
    await Promise.all(queues.map((queue) => queue.enqueue(job)));
  }

  /** One consumer's queue. */
  queue(consumer: Consumer): InMemoryThumbnailQueue {
    return this.consumers[consumer];
  }
}
