import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InMemoryUsageLedger } from '../../../src/adapters/memory/in-memory-usage-ledger.js';
import { ReleasePurgedUploads } from '../../../src/application/use-cases/release-purged-uploads.js';
import { parsePurgedPhoto } from '../../../src/entrypoints/lambda/purged-photo.js';
import { uniqueOwner } from '../../support/fixtures.js';

/** A stream record of a TTL deletion, as DynamoDB writes it. */
const removal = (image: Record<string, unknown>): DynamoDBRecord => ({
  eventName: 'REMOVE',
  userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
  dynamodb: { OldImage: image as never },
});

describe('releasing uploads the table purged (AWS: TTL and the table stream)', () => {
  it('reads the owner, status and size of a purged photo item, and skips the usage items', () => {
    const owner = uniqueOwner();
    const photo = removal({
      pk: { S: `OWNER#${owner}` },
      sk: { S: 'PHOTO#0190a0f0-0000-7000-8000-000000000000' },
      ownerId: { S: owner },
      status: { S: 'pending' },
      size: { N: '4096' },
      filename: { S: 'a.jpg' },
    });
    expect(parsePurgedPhoto(photo)).toEqual({ ownerId: owner, status: 'pending', size: 4096 });
    expect(parsePurgedPhoto(removal({ pk: { S: `OWNER#${owner}` }, sk: { S: 'USAGE' } }))).toBeUndefined();
    expect(parsePurgedPhoto({ eventName: 'MODIFY', dynamodb: {} })).toBeUndefined();
    expect(() =>
      parsePurgedPhoto(removal({ sk: { S: 'PHOTO#x' }, ownerId: { S: owner }, status: { S: 'lost' } })),
    ).toThrow();
  });

  it('releases each pending photo once, and leaves anything else alone', async () => {
    const ledger = new InMemoryUsageLedger();
    const owner = uniqueOwner();
    await ledger.reserve(owner, { photos: 3, bytes: 300 }, {});
    const release = new ReleasePurgedUploads(ledger);
    expect(
      await release.execute({
        photos: [
          { ownerId: owner, status: 'pending', size: 100 },
          { ownerId: owner, status: 'ready', size: 100 },
        ],
      }),
    ).toEqual({ released: 1 });
    expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 200 });
  });
});
