import type { OwnerId } from '../../domain/owner-id.js';
import type { PhotoId } from '../../domain/photo-id.js';

/** A request to render a photo's renditions. */
export interface ThumbnailJob {
  readonly ownerId: OwnerId;
  readonly photoId: PhotoId;
}

/** Decouples uploads from thumbnail rendering. Delivery is at least once. */
export interface ThumbnailQueue {
  enqueue(job: ThumbnailJob): Promise<void>;
}
