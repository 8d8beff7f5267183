import type { DynamoDBRecord } from 'aws-lambda';
import { z } from 'zod';
import type { PurgedPhoto } from '../../application/use-cases/release-purged-uploads.js';
import type { OwnerId } from '../../domain/owner-id.js';

// The old image as DynamoDB streams write it (attribute-value JSON); only what the release needs.
const OldImage = z.object({
  sk: z.object({ S: z.string().startsWith('PHOTO#') }),
  ownerId: z.object({ S: z.string().min(1) }),
  status: z.object({ S: z.enum(['pending', 'processing', 'ready', 'failed']) }),
  size: z.object({ N: z.string().regex(/^\d+$/) }),
});

/**
 * The photo a stream record says the table deleted, or undefined when the
 * record is not the deletion of a photo item (the usage items share the
 * table). A photo item that does not parse throws: it would be a bug, and the
 * stream should stop on it rather than lose a release.
 *
 * @example
 * parsePurgedPhoto({ eventName: 'REMOVE', dynamodb: { OldImage: { sk: { S: 'PHOTO#0190...' }, ... } } })
 */
export function parsePurgedPhoto(record: DynamoDBRecord): PurgedPhoto | undefined {
  const image = record.dynamodb?.OldImage as Record<string, unknown> | undefined;
  if (record.eventName !== 'REMOVE' || !image) return undefined;
  const sk = (image.sk as { S?: unknown } | undefined)?.S;
  if (typeof sk !== 'string' || !sk.startsWith('PHOTO#')) return undefined;
  const parsed = OldImage.parse(image);
  return {
    ownerId: parsed.ownerId.S as OwnerId,
    status: parsed.status.S,
    size: Number(parsed.size.N),
  };
}
