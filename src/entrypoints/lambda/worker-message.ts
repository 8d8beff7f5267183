import * as z from 'zod';
import { ThumbnailJobMessage } from '../../adapters/wire/thumbnail-job-message.js';
import type { ThumbnailJob } from '../../application/ports/thumbnail-queue.js';
import { StorageKeys } from '../../domain/storage-keys.js';

/** What one SQS message asks of the thumbnail worker. */
export type WorkerMessage =
  /** An original landed (S3 ObjectCreated): accept the upload, then render. */
  | { readonly kind: 'original-created'; readonly job: ThumbnailJob; readonly key: string }
  /** A job from the queue itself (direct uploads through the API): render. */
  | { readonly kind: 'thumbnail-job'; readonly job: ThumbnailJob }
  /** Nothing to do, and nothing that a retry would change. */
  | { readonly kind: 'ignored'; readonly reason: string };

/** A message that can never be processed; retrying it cannot help. */
export class MalformedMessageError extends Error {
  override name = 'MalformedMessageError';
}

// The shapes as AWS sends them; only the fields the worker reads are required.
const S3Record = z.object({
  eventSource: z.literal('aws:s3'),
  eventName: z.string(),
  s3: z.object({
    bucket: z.object({ name: z.string() }),
    object: z.object({ key: z.string().min(1), size: z.number().optional() }),
  }),
});
const S3Notification = z.object({ Records: z.array(S3Record).length(1) });
const S3TestEvent = z.object({ Service: z.literal('Amazon S3'), Event: z.literal('s3:TestEvent') });

/**
 * S3 writes object keys into notifications form-encoded: a space is `+` and
 * other reserved characters are %XX, so `+` must become a space before the
 * percent-decoding (a real `+` arrives as %2B).
 */
export const decodeS3Key = (key: string): string => decodeURIComponent(key.replace(/\+/g, ' '));

/**
 * Parses one SQS message body of the thumbnail queue: an S3 event
 * notification (ObjectCreated, or the s3:TestEvent S3 sends when the
 * notification is configured) or a ThumbnailJob. Throws MalformedMessageError
 * for anything else.
 *
 * @example
 * parseWorkerMessage('{"type":"thumbnail-job","ownerId":"alice","photoId":"0190..."}')
 */
export function parseWorkerMessage(body: string, bucket: string): WorkerMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new MalformedMessageError('the message body is not JSON');
  }
  if (S3TestEvent.safeParse(json).success) return { kind: 'ignored', reason: 's3:TestEvent' };

  const job = ThumbnailJobMessage.parse(json);
  if (job.ok) return { kind: 'thumbnail-job', job: job.value };
  if (job.error.kind === 'no-valid-photo') throw new MalformedMessageError(job.error.message);

  const notification = S3Notification.safeParse(json);
  if (!notification.success) {
    throw new MalformedMessageError(
      `the message is neither an S3 notification nor a thumbnail job: ${z.prettifyError(notification.error)}`,
    );
  }
  const record = notification.data.Records[0] as z.infer<typeof S3Record>;
  if (!record.eventName.startsWith('ObjectCreated:')) return { kind: 'ignored', reason: record.eventName };
  if (record.s3.bucket.name !== bucket) return { kind: 'ignored', reason: `bucket ${record.s3.bucket.name}` };
  let key: string;
  try {
    key = decodeS3Key(record.s3.object.key);
  } catch {
    throw new MalformedMessageError('the object key is not validly encoded');
  }
  if (!key.startsWith(StorageKeys.originalsPrefix)) return { kind: 'ignored', reason: 'not an original' };
  const parsed = StorageKeys.parse(key);
  if (!parsed.ok || parsed.value.kind !== 'original') {
    return { kind: 'ignored', reason: `${key} is not a key Pixport builds` };
  }
  return {
    kind: 'original-created',
    key,
    job: { ownerId: parsed.value.ownerId, photoId: parsed.value.photoId },
  };
}
