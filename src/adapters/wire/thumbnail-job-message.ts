import * as z from 'zod';
import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import { OwnerId } from '../../domain/owner-id.js';
import { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

/**
 * The wire form of a thumbnail job, the same on SQS and Cloudflare Queues. On
 * SQS it shares the queue with S3 notifications and is told apart by `type`.
 */
export interface ThumbnailJobMessage {
  readonly type: 'thumbnail-job';
  readonly ownerId: string;
  readonly photoId: string;
}

/** Why a body is no job: not shaped as one at all, or shaped as one but naming no valid photo. */
export interface ThumbnailJobMessageError {
  readonly kind: 'not-a-job' | 'no-valid-photo';
  readonly message: string;
}

const Schema = z.object({ type: z.literal('thumbnail-job'), ownerId: z.string(), photoId: z.string() });

/**
 * Writes and reads the thumbnail-job message: the queue adapters send what
 * `encode` makes, the Lambda and Worker consumers hand every body to `parse`
 * and trust nothing else.
 *
 * @example
 * await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: JSON.stringify(ThumbnailJobMessage.encode(job)) }));
 * const parsed = ThumbnailJobMessage.parse(JSON.parse(body)); // ok(job), or err({ kind, message })
 */
export const ThumbnailJobMessage = {
  encode(job: ThumbnailJob): ThumbnailJobMessage {
    return { type: 'thumbnail-job', ownerId: job.ownerId, photoId: job.photoId };
  },

  /** A JSON-decoded body as a job with a valid owner and photo id, or why it is none. */
  parse(body: unknown): Result<ThumbnailJob, ThumbnailJobMessageError> {
    const parsed = Schema.safeParse(body);
    if (!parsed.success) {
      return err({ kind: 'not-a-job', message: `not a thumbnail job: ${z.prettifyError(parsed.error)}` });
    }
    const ownerId = OwnerId.parse(parsed.data.ownerId);
    const photoId = PhotoId.parse(parsed.data.photoId);
    if (!ownerId.ok || !photoId.ok) {
      return err({ kind: 'no-valid-photo', message: 'the thumbnail job names no valid photo' });
    }
    return ok({ ownerId: ownerId.value, photoId: photoId.value });
  },
};
