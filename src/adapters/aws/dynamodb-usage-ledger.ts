import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UsageLedger } from '../../application/ports/usage-ledger.js';
import type { QuotaExceededError } from '../../domain/errors.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { type OwnerQuota, Usage } from '../../domain/owner-usage.js';
import { err, ok, type Result } from '../../domain/result.js';

/** The table of a DynamoDbUsageLedger: the photos table (string keys `pk` and `sk`). */
export interface DynamoDbUsageLedgerConfig {
  readonly tableName: string;
}

/** The sort key of an owner's usage item, beside their photos (`PHOTO#...`), which it never sorts among. */
export const USAGE_SK = 'USAGE';

const keyOf = (ownerId: OwnerId) => ({ pk: `OWNER#${ownerId}`, sk: USAGE_SK });

/** How often a refused reservation is tried again when the owner turns out to have room after all. */
const RESERVE_ATTEMPTS = 3;
/** How often a release that would go below zero reads and writes again when another write got in between. */
const CLAMP_ATTEMPTS = 5;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/**
 * UsageLedger on the photos table: one item per owner, `pk = OWNER#{ownerId}`,
 * `sk = USAGE`, with the number attributes `photos` and `bytes`.
 *
 * A reservation is one UpdateItem: `ADD` both counts, conditional on each
 * staying within its limit (`photos <= maxPhotos - 1`, or no item yet), so
 * DynamoDB refuses the write that would go over, however many uploads of one
 * owner race; no transaction, no read first. A release is one UpdateItem that
 * subtracts, conditional on the counts being at least the amount; only an
 * item that holds less (photos registered before the ledger existed) is set
 * to zero, by a read and a write conditional on what was read.
 *
 * @example
 * const usage = new DynamoDbUsageLedger(new DynamoDBClient({}), { tableName: 'pixport-photos' });
 * await usage.reserve(owner, { photos: 1, bytes: 4_000_000 }, { maxPhotos: 1000 });
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
      new GetCommand({ TableName: this.config.tableName, Key: keyOf(ownerId), ConsistentRead: true }),
    );
    return { photos: Number(out.Item?.photos ?? 0), bytes: Number(out.Item?.bytes ?? 0) };
  }

  async reserve(
    ownerId: OwnerId,
    amount: Usage,
    quota: OwnerQuota,
  ): Promise<Result<Usage, QuotaExceededError>> {
    // An amount that alone breaks a limit is refused without a write.
    const alone = Usage.refusal(quota, Usage.zero, amount);
    if (alone) return err(Usage.refusal(quota, await this.get(ownerId), amount) ?? alone);
    const conditions: string[] = [];
    const values: Record<string, number> = { ':photos': amount.photos, ':bytes': amount.bytes };
    if (quota.maxPhotos !== undefined) {
      conditions.push('(attribute_not_exists(photos) OR photos <= :photoRoom)');
      values[':photoRoom'] = quota.maxPhotos - amount.photos;
    }
    if (quota.maxBytes !== undefined) {
      conditions.push('(attribute_not_exists(#bytes) OR #bytes <= :byteRoom)');
      values[':byteRoom'] = quota.maxBytes - amount.bytes;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const out = await this.doc.send(
          new UpdateCommand({
            TableName: this.config.tableName,
            Key: keyOf(ownerId),
            UpdateExpression: 'ADD photos :photos, #bytes :bytes',
            ...(conditions.length > 0 ? { ConditionExpression: conditions.join(' AND ') } : {}),
            // `bytes` is one of DynamoDB's reserved words.
            ExpressionAttributeNames: { '#bytes': 'bytes' },
            ExpressionAttributeValues: values,
            ReturnValues: 'ALL_NEW',
          }),
        );
        return ok({ photos: Number(out.Attributes?.photos ?? 0), bytes: Number(out.Attributes?.bytes ?? 0) });
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
        const used = await this.get(ownerId);
        const refusal = Usage.refusal(quota, used, amount);
        if (refusal) return err(refusal);
        // A release made room between the refused write and the read: try again, a few times.
        if (attempt >= RESERVE_ATTEMPTS) return err(Usage.refused(quota, used, amount));
      }
    }
  }

  async release(ownerId: OwnerId, amount: Usage): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.config.tableName,
          Key: keyOf(ownerId),
          UpdateExpression: 'ADD photos :lessPhotos, #bytes :lessBytes',
          ConditionExpression: 'photos >= :photos AND #bytes >= :bytes',
          ExpressionAttributeNames: { '#bytes': 'bytes' },
          ExpressionAttributeValues: {
            ':photos': amount.photos,
            ':bytes': amount.bytes,
            ':lessPhotos': -amount.photos,
            ':lessBytes': -amount.bytes,
          },
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      await this.clamp(ownerId, amount);
    }
  }

  /** The release of more than the item holds: what is left, floored at zero, written only over what was read. */
  private async clamp(ownerId: OwnerId, amount: Usage): Promise<void> {
    for (let attempt = 0; attempt < CLAMP_ATTEMPTS; attempt++) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.config.tableName, Key: keyOf(ownerId), ConsistentRead: true }),
      );
      if (!out.Item) return;
      const seen = { photos: Number(out.Item.photos ?? 0), bytes: Number(out.Item.bytes ?? 0) };
      const next = Usage.minus(seen, amount);
      try {
        await this.doc.send(
          new UpdateCommand({
            TableName: this.config.tableName,
            Key: keyOf(ownerId),
            UpdateExpression: 'SET photos = :photos, #bytes = :bytes',
            ConditionExpression: 'photos = :seenPhotos AND #bytes = :seenBytes',
            ExpressionAttributeNames: { '#bytes': 'bytes' },
            ExpressionAttributeValues: {
              ':photos': next.photos,
              ':bytes': next.bytes,
              ':seenPhotos': seen.photos,
              ':seenBytes': seen.bytes,
            },
          }),
        );
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
    }
    throw new Error(`usage of ${ownerId} kept changing while a release was clamped at zero`);
  }
}
