import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  COUNTED_PHOTOS_PER_ITEM,
  DynamoDbUsageLedger,
  USAGE_SK,
} from '../../src/adapters/aws/dynamodb-usage-ledger.js';
import { QuotaExceededError } from '../../src/domain/errors.js';
import type { OwnerId } from '../../src/domain/owner-id.js';
import { type DynamoDbAnswerProxy, startDynamoDbAnswerProxy } from '../support/dynamodb-answer-proxy.js';
import { photoIdAt, uniqueOwner } from '../support/fixtures.js';

/**
 * DynamoDbUsageLedger where the network loses answers: an UpdateItem that
 * DynamoDB carries out but answers 500 (as `npm run bench:chaos` injects
 * them) is retried by the SDK, and the retry must not count the photo twice
 * (found by bench:chaos: the first ledger's bare `ADD` counted 129 photos too
 * many in 1,000 uploads at 20% faults). Also the ledger's limits: an item
 * written by the first ledger, and an owner's item at its capacity.
 */

const aws = inject('aws');
let client: DynamoDBClient;
let direct: DynamoDBClient;
let ledger: DynamoDbUsageLedger;
/**
 * How many of the next UpdateItems are forwarded and answered 500 InternalServerError:
 * only those DynamoDB carried out (`written`), or any, refused ones too (`any`).
 */
const lose = { written: 0, any: 0 };
/** UpdateItems that reached dynalite. */
let updatesForwarded = 0;

let proxy: DynamoDbAnswerProxy;

beforeAll(async () => {
  proxy = await startDynamoDbAnswerProxy(aws.dynamodbEndpoint, ({ target, status }) => {
    if (target !== 'UpdateItem') return 'pass';
    updatesForwarded++;
    if (lose.any > 0) {
      lose.any--;
      return 'lose';
    }
    if (status === 200 && lose.written > 0) {
      lose.written--;
      return 'lose';
    }
    return 'pass';
  });
  const common = {
    region: aws.region,
    credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
  };
  // Three attempts (the SDK's default for DynamoDB varies with its version), a 500 retried.
  client = new DynamoDBClient({ ...common, endpoint: proxy.endpoint, maxAttempts: 3 });
  direct = new DynamoDBClient({ ...common, endpoint: aws.dynamodbEndpoint });
  ledger = new DynamoDbUsageLedger(client, { tableName: aws.table });
});

afterAll(async () => {
  client.destroy();
  direct.destroy();
  await proxy.close();
});

/** Runs `work` with the answers of its next UpdateItems lost as told; how many UpdateItems it sent. */
async function losingAnswers(
  losing: { written?: number; any?: number },
  work: () => Promise<unknown>,
): Promise<number> {
  Object.assign(lose, { written: 0, any: 0, ...losing });
  const before = updatesForwarded;
  await work();
  expect(lose).toEqual({ written: 0, any: 0 });
  return updatesForwarded - before;
}

/** Writes an owner's usage item as it is, past the ledger. */
const putUsageItem = (owner: OwnerId, attributes: Record<string, unknown>) =>
  DynamoDBDocumentClient.from(direct).send(
    new PutCommand({ TableName: aws.table, Item: { pk: `OWNER#${owner}`, sk: USAGE_SK, ...attributes } }),
  );

describe('DynamoDbUsageLedger when a carried-out UpdateItem is answered 500 and the SDK retries it', () => {
  it("counts an owner's first photo once", async () => {
    const owner = uniqueOwner('retried');
    // The first write is refused (no item yet); the one that starts the item is carried out and lost.
    const sent = await losingAnswers({ written: 1 }, async () => {
      expect(await ledger.reserve(owner, photoIdAt(), 100, { maxPhotos: 5 })).toEqual({
        ok: true,
        value: { photos: 1, bytes: 100 },
      });
    });
    // Refused, started (lost), its retry refused, the photo's write refused: counted already.
    expect(sent).toBe(4);
    expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 100 });
  });

  it('counts a photo once, and a reservation whose every answer was lost is counted once when the caller tries again', async () => {
    const owner = uniqueOwner('retried');
    await ledger.reserve(owner, photoIdAt(), 10, {});
    const photo = photoIdAt();
    await losingAnswers({ written: 1 }, async () => {
      expect(await ledger.reserve(owner, photo, 100, { maxPhotos: 5 })).toEqual({
        ok: true,
        value: { photos: 2, bytes: 110 },
      });
    });
    expect(await ledger.get(owner)).toEqual({ photos: 2, bytes: 110 });

    // The SDK's three attempts all answered 500, the first carried out: it gives up, the caller fails ...
    const again = photoIdAt();
    await losingAnswers({ any: 3 }, () => expect(ledger.reserve(owner, again, 50, {})).rejects.toThrow());
    // ... and a retry of the same reservation finds it counted.
    expect(await ledger.reserve(owner, again, 50, {})).toEqual({
      ok: true,
      value: { photos: 3, bytes: 160 },
    });
    expect(await ledger.get(owner)).toEqual({ photos: 3, bytes: 160 });
  });

  it('releases a photo once, with the bytes it was reserved with', async () => {
    const owner = uniqueOwner('retried');
    const [kept, photo] = [photoIdAt(), photoIdAt()];
    await ledger.reserve(owner, kept, 10, {});
    await ledger.reserve(owner, photo, 100, {});
    const sent = await losingAnswers({ written: 1 }, () => ledger.release(owner, photo));
    expect(sent).toBe(2);
    expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 10 });
  });
});

describe('DynamoDbUsageLedger and the items it did not write itself', () => {
  it('reads an item of the first ledger (bare totals) as zero, and starts it afresh on the next reservation', async () => {
    const owner = uniqueOwner('legacy');
    await putUsageItem(owner, { photos: 12, bytes: 12_000 });
    expect(await ledger.get(owner)).toEqual({ photos: 0, bytes: 0 });
    await ledger.release(owner, photoIdAt());
    expect(await ledger.reserve(owner, photoIdAt(), 30, { maxPhotos: 2 })).toEqual({
      ok: true,
      value: { photos: 1, bytes: 30 },
    });
    expect(await ledger.get(owner)).toEqual({ photos: 1, bytes: 30 });
  });

  it(`holds ${COUNTED_PHOTOS_PER_ITEM} photos an owner: past them it counts no more with no limit, and refuses with one`, async () => {
    const owner = uniqueOwner('full');
    const counted: Record<string, number> = {};
    for (let i = 0; i < COUNTED_PHOTOS_PER_ITEM; i++) counted[photoIdAt()] = 1_000_000_000;
    const full = { photos: COUNTED_PHOTOS_PER_ITEM, bytes: COUNTED_PHOTOS_PER_ITEM * 1_000_000_000 };
    // The item at capacity, with the largest sizes a photo has (10 digits), fits in DynamoDB's 400 KB.
    await putUsageItem(owner, { ledger: 2, ...full, counted });
    expect(await ledger.get(owner)).toEqual(full);

    expect(await ledger.reserve(owner, photoIdAt(), 5, {})).toEqual({ ok: true, value: full });
    const refused = await ledger.reserve(owner, photoIdAt(), 5, { maxBytes: Number.MAX_SAFE_INTEGER });
    expect(!refused.ok && refused.error).toBeInstanceOf(QuotaExceededError);
    expect(!refused.ok && refused.error).toMatchObject({ limit: 'photos', max: COUNTED_PHOTOS_PER_ITEM });
    expect(await ledger.get(owner)).toEqual(full);

    const [first] = Object.keys(counted);
    await ledger.release(owner, first as never);
    const photo = photoIdAt();
    expect((await ledger.reserve(owner, photo, 5, {})).ok).toBe(true);
    expect(await ledger.get(owner)).toEqual({ photos: full.photos, bytes: full.bytes - 1_000_000_000 + 5 });
  });
});
