import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';

/** A request to render a photo's renditions. */
export interface ThumbnailJob {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
}

/**
 * Decouples uploads from the work done on them: a job is delivered to every
 * consumer (thumbnails, analysis, video), each through its own queue, where the
 * runtime fans out (memory bus, one Queues message per consumer; on AWS, S3's
 * notification through SNS). Delivery is at least once.
 */
export interface ThumbnailQueue {
  enqueue(job: ThumbnailJob): Promise<void>;
}
