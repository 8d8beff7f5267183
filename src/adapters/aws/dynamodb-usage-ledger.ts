import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageLedger } from '../../application/ports/usage-ledger.js';
import { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { MAX_QUOTA_PHOTOS, type OwnerQuota, Usage } from '../../domain/owner-usage.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

/** The table of a DynamoDbUsageLedger: the photos table (string keys `pk` and `sk`). */
export interface DynamoDbUsageLedgerConfig {
  readonly tableName: string;
}

/** The sort key of an owner's usage item, beside their photos (`PHOTO#...`), which it never sorts among. */
export const USAGE_SK = 'USAGE';

/**
 * The layout of a usage item that counts photo by photo (`ledger = 2`). An
 * item without it was written by the first ledger, which kept bare totals that
 * retries had made drift: it reads as zero, and the owner's next reservation
 * starts it afresh.
 */
const LAYOUT = 2;

/**
 * The most photos one owner's item counts. An entry is 1 byte of overhead, the
 * id's 36 and at most 10 for the number: 8,000 of them are about 376 KB, under
 * the 400 KB of an item with the keys and totals, whatever the owner id.
 */
export const COUNTED_PHOTOS_PER_ITEM = MAX_QUOTA_PHOTOS;

/** How often a refused reservation is tried again when the read that follows finds room after all. */
const RESERVE_ATTEMPTS = 3;

const keyOf = (ownerId: OwnerId) => ({ pk: `OWNER#${ownerId}`, sk: USAGE_SK });

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The owner's item as a reservation needs it: the totals, and whether it counts the photo. */
interface Seen {
  readonly perPhoto: boolean;
  readonly usage: Usage;
  readonly counts: boolean;
}

/**
 * UsageLedger on the photos table: one item per owner, `pk = OWNER#{ownerId}`,
 * `sk = USAGE`, with the totals `photos` and `bytes` and the map `counted` of
 * each counted photo id to the bytes it was reserved with.
 *
 * A reservation is one UpdateItem that sets `counted.{id}` and `ADD`s to the
 * totals, conditional on the id not being counted yet and on each total
 * staying within its limit: DynamoDB refuses the write that would go over,
 * however many uploads of one owner race, with no transaction and no read
 * first. When the condition fails, a consistent read tells which part did: the
 * id already counted is success (the SDK retried a write that was carried out
 * but answered 500), a full quota is the refusal. A release is one UpdateItem
 * that removes `counted.{id}` and subtracts the bytes stored there (DynamoDB
 * reads every operand before it writes), conditional on the entry being there,
 * so a second release of the same photo is refused and changes nothing.
 *
 * The map is bounded by the item's 400 KB: {@link COUNTED_PHOTOS_PER_ITEM}
 * photos an owner. A quota's `maxPhotos` may not be higher (the configuration
 * refuses it); with a bytes limit only, a full item refuses as over the photo
 * limit; with no limit at all, a photo past it is accepted and not counted,
 * since nothing is held against the count. Each write is charged for the whole
 * item (1 WRU per KB): 42-47 bytes per photo the owner keeps (docs/cost.md).
 *
 * @example
 * const usage = new DynamoDbUsageLedger(new DynamoDBClient({}), { tableName: 'pixport-photos' });
 * await usage.reserve(owner, photoId, 4_000_000, { maxPhotos: 1000 });
 */
export class DynamoDbUsageLedger implements UsageLedger {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly config: DynamoDbUsageLedgerConfig,
  ) {
    this.doc = DynamoDBDocumentClient.from(client);
  }

  async get(ownerId: OwnerId): Promise<Usage> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keyOf(ownerId),
        ConsistentRead: true,
        ProjectionExpression: 'photos, #bytes, ledger',
        ExpressionAttributeNames: { '#bytes': 'bytes' },
      }),
    );
    return out.Item?.ledger === LAYOUT ? totals(out.Item) : Usage.zero;
  }

  async reserve(
    ownerId: OwnerId,
    photoId: PhotoId,
    bytes: number,
    quota: OwnerQuota,
  ): Promise<Result<Usage, QuotaExceededError>> {
    const amount = Usage.photo(bytes);
    // An amount that alone breaks a limit is refused without a write.
    const alone = Usage.refusal(quota, Usage.zero, amount);
    if (alone) return err(Usage.refusal(quota, await this.get(ownerId), amount) ?? alone);
    let used: Usage = Usage.zero;
    for (let attempt = 1; attempt <= RESERVE_ATTEMPTS; attempt++) {
      try {
        return ok(await this.count(ownerId, photoId, bytes, quota));
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      const seen = await this.read(ownerId, photoId);
      used = seen.usage;
      // Counted already: this is a retry (the SDK's, or the caller's) of a reservation that was carried out.
      if (seen.counts) return ok(used);
      if (!seen.perPhoto) {
        if (await this.start(ownerId, photoId, bytes)) return ok(amount);
        continue;
      }
      const refusal = Usage.refusal(quota, used, amount);
      if (refusal) return err(refusal);
      if (used.photos >= COUNTED_PHOTOS_PER_ITEM) {
        if (!Usage.limited(quota)) return ok(used);
        return err(new QuotaExceededError('photos', used, COUNTED_PHOTOS_PER_ITEM, bytes));
      }
      // A release made room between the refused write and the read: try again.
    }
    return err(Usage.refused(quota, used, amount));
  }

  async release(ownerId: OwnerId, photoId: PhotoId): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keyOf(ownerId),
          UpdateExpression: 'SET photos = photos - :one, #bytes = #bytes - counted.#id REMOVE counted.#id',
          ConditionExpression: 'attribute_exists(counted.#id)',
          ExpressionAttributeNames: { '#bytes': 'bytes', '#id': photoId },
          ExpressionAttributeValues: { ':one': 1 },
        }),
      );
    } catch (error) {
      // Not counted: never reserved, or released already (by this call's own retried write, or another path).
      if (!isConditionFailure(error)) throw error;
    }
  }

  /** The one conditional write of a reservation on a per-photo item; throws the condition's failure. */
  private async count(ownerId: OwnerId, photoId: PhotoId, bytes: number, quota: OwnerQuota): Promise<Usage> {
    const conditions = [
      'attribute_exists(counted)',
      'attribute_not_exists(counted.#id)',
      'photos < :capacity',
    ];
    const values: Record<string, number> = {
      ':one': 1,
      ':bytes': bytes,
      ':capacity': COUNTED_PHOTOS_PER_ITEM,
    };
    if (quota.maxPhotos !== undefined) {
      conditions.push('photos <= :photoRoom');
      values[':photoRoom'] = quota.maxPhotos - 1;
    }
    if (quota.maxBytes !== undefined) {
      conditions.push('#bytes <= :byteRoom');
      values[':byteRoom'] = quota.maxBytes - bytes;
    }
    const out = await this.doc.send(
      new UpdateCommand({
        TableName: this.config.tableName,
        Key: keyOf(ownerId),
        UpdateExpression: 'SET counted.#id = :bytes ADD photos :one, #bytes :bytes',
        ConditionExpression: conditions.join(' AND '),
        // `bytes` is one of DynamoDB's reserved words.
        ExpressionAttributeNames: { '#bytes': 'bytes', '#id': photoId },
        ExpressionAttributeValues: values,
        // Only what changed: the totals and the new entry, not the whole map.
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return totals(out.Attributes);
  }

  /**
   * The owner's first reservation (or the first since the item was written by
   * the first ledger): the whole item, counting this photo alone. False when
   * another reservation (or this write's own retry) started it first.
   */
  private async start(ownerId: OwnerId, photoId: PhotoId, bytes: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keyOf(ownerId),
          UpdateExpression: 'SET counted = :counted, photos = :one, #bytes = :bytes, ledger = :layout',
          ConditionExpression: 'attribute_not_exists(counted)',
          ExpressionAttributeNames: { '#bytes': 'bytes' },
          ExpressionAttributeValues: {
            ':counted': { [photoId]: bytes },
            ':one': 1,
            ':bytes': bytes,
            ':layout': LAYOUT,
          },
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      return false;
    }
  }

  /** A consistent read of the totals and of this photo's entry only (the map can be hundreds of KB). */
  private async read(ownerId: OwnerId, photoId: PhotoId): Promise<Seen> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: keyOf(ownerId),
        ConsistentRead: true,
        ProjectionExpression: 'photos, #bytes, ledger, counted.#id',
        ExpressionAttributeNames: { '#bytes': 'bytes', '#id': photoId },
      }),
    );
    const item = out.Item;
    if (item?.ledger !== LAYOUT) return { perPhoto: false, usage: Usage.zero, counts: false };
    const counted = item.counted as Record<string, unknown> | undefined;
    return { perPhoto: true, usage: totals(item), counts: counted?.[photoId] !== undefined };
  }
}

const totals = (item: Record<string, unknown> | undefined): Usage => ({
  photos: Number(item?.photos ?? 0),
  bytes: Number(item?.bytes ?? 0),
});
