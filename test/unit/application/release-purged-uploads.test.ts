import type { DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { InMemoryUsageLedger } from '../../../src/adapters/memory/in-memory-usage-ledger.js';
import { ReleasePurgedUploads } from '../../../src/application/use-cases/release-purged-uploads.js';
import { parsePurgedPhoto } from '../../../src/entrypoints/lambda/purged-photo.js';
import { photoIdAt, uniqueOwner } from '../../support/fixtures.js';

/** A stream record of a TTL deletion, as DynamoDB writes it. */
const removal = (image: Record<string, unknown>): DynamoDBRecord => ({
  eventName: 'REMOVE',
  userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
  dynamodb: { OldImage: image as never },
});

describe('releasing uploads the table purged (AWS: TTL and the table stream)', () => {
  it('reads the owner and id of a purged photo item, and skips the usage items', () => {
    const owner = uniqueOwner();
    const id = '0190a0f0-0000-7000-8000-000000000000';
    const photo = removal({
      pk: { S: `OWNER#${owner}` },
      sk: { S: `PHOTO#${id}` },
      id: { S: id },
      ownerId: { S: owner },
      status: { S: 'pending' },
      size: { N: '4096' },
      filename: { S: 'a.jpg' },
    });
    expect(parsePurgedPhoto(photo)).toEqual({ ownerId: owner, id });
    expect(parsePurgedPhoto(removal({ pk: { S: `OWNER#${owner}` }, sk: { S: 'USAGE' } }))).toBeUndefined();
    expect(parsePurgedPhoto({ eventName: 'MODIFY', dynamodb: {} })).toBeUndefined();
    expect(() =>
      parsePurgedPhoto(removal({ sk: { S: 'PHOTO#x' }, ownerId: { S: owner }, id: { S: 'x' } })),
    ).toThrow();
  });

  it('releases each purged photo by its id, once however often its record is delivered', async () => {
    const ledger = new InMemoryUsageLedger();
    const owner = uniqueOwner();
    const [kept, purged] = [photoIdAt(), photoIdAt()];
    await ledger.reserve(owner, kept, 100, {});
    await ledger.reserve(owner, purged, 200, {});
    const release = new ReleasePurgedUploads(ledger);
    const record = { ownerId: owner, id: purged };
    expect(await release.execute({ photos: [record] })).toEqual({ released: 1 });
    // The stream delivers a record again when a batch is retried.
    await release.execute({ photos: [record, { ownerId: owner, id: photoIdAt() }] });
    expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 100 });
  });
});
