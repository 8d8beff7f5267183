import type { DynamoDBRecord } from 'aws-lambda';
import * as z from 'zod';
import type { PurgedPhoto } from '../../application/use-cases/release-purged-uploads.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { PhotoId } from '../../domain/photo-id.js';

// The old image as DynamoDB streams write it (attribute-value JSON); only what the release needs:
// the ledger counts a photo by its owner and id.
const OldImage = z.object({
  ownerId: z.object({ S: z.string().min(1) }),
  id: z.object({ S: z.string().regex(PhotoId.pattern) }),
});

/**
 * The photo a stream record says the table deleted, or undefined when the
 * record is not the deletion of a photo item (the usage and label items share
 * the table). A photo item that does not parse throws: it would be a bug, and
 * the stream should stop on it rather than lose a release.
 *
 * @example
 * parsePurgedPhoto({ eventName: 'REMOVE', dynamodb: { OldImage: { sk: { S: 'PHOTO#0190...' }, ... } } })
 * // { ownerId: 'alice', id: '0190...' }
 */
export function parsePurgedPhoto(record: DynamoDBRecord): PurgedPhoto | undefined {
  const image = record.dynamodb?.OldImage as Record<string, unknown> | undefined;
  if (record.eventName !== 'REMOVE' || !image) return undefined;
  const sk = (image.sk as { S?: unknown } | undefined)?.S;
  if (typeof sk !== 'string' || !sk.startsWith('PHOTO#')) return undefined;
  const parsed = OldImage.parse(image);
  return { ownerId: parsed.ownerId.S as OwnerId, id: parsed.id.S as PhotoId };
}
