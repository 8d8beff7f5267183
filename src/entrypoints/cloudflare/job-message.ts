import { z } from 'zod';
import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import { OwnerId } from '../../domain/owner-id.js';
import { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

const JobMessage = z.object({ type: z.literal('thumbnail-job'), ownerId: z.string(), photoId: z.string() });

/**
 * Parses the body of one Queues message (sent by QueuesThumbnailQueue as
 * JSON) into a job; anything else is an error message, never trusted.
 *
 * @example parseJobMessage({ type: 'thumbnail-job', ownerId: 'alice', photoId: '0190...' })
 */
export function parseJobMessage(body: unknown): Result<ThumbnailJob, string> {
  const parsed = JobMessage.safeParse(body);
  if (!parsed.success) return err(`not a thumbnail job: ${z.prettifyError(parsed.error)}`);
  const ownerId = OwnerId.parse(parsed.data.ownerId);
  const photoId = PhotoId.parse(parsed.data.photoId);
  if (!ownerId.ok || !photoId.ok) return err('the thumbnail job names no valid photo');
  return ok({ ownerId: ownerId.value, photoId: photoId.value });
}
