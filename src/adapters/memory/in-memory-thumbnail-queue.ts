import type { ThumbnailJob, ThumbnailQueue } from '../../application/ports/thumbnail-queue.js';
import { InMemoryQueue, type InMemoryQueueOptions, type MessageHandler } from './in-memory-queue.js';

/** Handles one job; throwing means "try again later", as with a real queue. */
export type JobHandler = MessageHandler<ThumbnailJob>;

export type InMemoryThumbnailQueueOptions = InMemoryQueueOptions<ThumbnailJob>;

/**
 * One consumer's queue of upload jobs (thumbnails, analysis, video), in
 * process: an {@link InMemoryQueue} of `ThumbnailJob`s, each kept as exactly
 * its owner and photo ids, as the wire message carries them.
 */
export class InMemoryThumbnailQueue extends InMemoryQueue<ThumbnailJob> implements ThumbnailQueue {
  override enqueue(job: ThumbnailJob): Promise<void> {
    return super.enqueue({ ownerId: job.ownerId, photoId: job.photoId });
  }
}
