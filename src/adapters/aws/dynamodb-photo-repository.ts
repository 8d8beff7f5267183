import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
} from '@aws-sdk/lib-dynamodb';
import type { PhotoPage, PhotoRepository } from '../../application/ports/photo-repository.js';
import { VersionConflictError } from '../../domain/errors.js';
import { ImageAnalysis } from '../../domain/image-analysis.js';
import type { OwnerId } from '../../domain/owner-id.js';
import { Photo } from '../../domain/photo.js';
import { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

/** The table of a DynamoDbPhotoRepository: string keys `pk` (hash) and `sk` (range), nothing else required. */
export interface DynamoDbPhotoRepositoryConfig {
  readonly tableName: string;
}

const PK_PREFIX = 'OWNER#';
const SK_PREFIX = 'PHOTO#';

/**
 * The table's TTL attribute (deploy/lib/storage.ts names it too): seconds since
 * the epoch, set on a pending photo to its upload's purge time and left out of
 * every other item, so DynamoDB deletes the photos whose upload never completed.
 */
export const TTL_ATTRIBUTE = 'ttl';

/**
 * A fresh id on every write of a photo's item, so that a retried PutItem can
 * tell its own earlier try from another writer's (see `save`). Not part of the photo.
 */
const WRITE_ATTRIBUTE = 'writeId';

const pk = (ownerId: OwnerId): string => `${PK_PREFIX}${ownerId}`;
const sk = (photoId: PhotoId): string => `${SK_PREFIX}${photoId}`;
/** A label index item's sort key, beside the owner's photos: `LABEL#dog#{photoId}`. */
const labelSk = (label: string, photoId: string): string => `LABEL#${label}#${photoId}`;

type Item = Photo & { pk: string; sk: string; [TTL_ATTRIBUTE]?: number; [WRITE_ATTRIBUTE]: string };

// Items of this table are written by save() only: a photo's item (`sk = PHOTO#`) is the photo
// plus its keys (and TTL); `LABEL#` items are the label index, read by listByLabel only.
const toPhoto = (item: Record<string, unknown>): Photo => {
  const { pk: _pk, sk: _sk, [TTL_ATTRIBUTE]: _ttl, [WRITE_ATTRIBUTE]: _write, ...photo } = item;
  // Items written before videos have no `kind`: they are photos.
  return Photo.revive(photo as unknown as Photo);
};

const purgeTime = (photo: Photo): number | undefined =>
  photo.status === 'pending' && photo.upload
    ? Math.floor(Date.parse(photo.upload.purgeAt) / 1000)
    : undefined;

/**
 * PhotoRepository on one DynamoDB table: `pk = OWNER#{ownerId}`,
 * `sk = PHOTO#{photoId}`, the photo's fields as attributes beside them.
 *
 * Every write is one conditional PutItem on the version, with no
 * transactions: version 1 only if there is no item, version n only over n-1.
 * Each write carries a fresh `writeId`, so an SDK retry of a write that was
 * carried out, whose answer was lost, is known as done rather than a conflict.
 * Photo ids are UUIDv7, so a Query of the owner's partition with
 * ScanIndexForward=false is newest first; the page boundary is rebuilt from
 * (owner, last photo id), which also keeps a cursor inside its owner's
 * partition. Each label of a photo has an index item beside it,
 * `sk = LABEL#{label}#{photoId}` (single-item puts, no transaction), which
 * `GET /photos?label=` queries newest first. Reads are strongly consistent: the worker reads what the
 * API has just written, and a gallery shows an upload at once.
 *
 * @example
 * const photos = new DynamoDbPhotoRepository(new DynamoDBClient({}), { tableName: 'pixport-photos' });
 * const page = await photos.listByOwner(owner, { limit: 20 });
 */
export class DynamoDbPhotoRepository implements PhotoRepository {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly config: DynamoDbPhotoRepositoryConfig,
  ) {
    // Optional photo fields are left out of the item rather than stored as NULL.
    this.doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: { pk: pk(ownerId), sk: sk(photoId) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? toPhoto(out.Item) : undefined;
  }

  async save(photo: Photo): Promise<Result<void, VersionConflictError>> {
    const ttl = purgeTime(photo);
    const item: Item = {
      ...photo,
      pk: pk(photo.ownerId),
      sk: sk(photo.id),
      ...(ttl === undefined ? {} : { [TTL_ATTRIBUTE]: ttl }),
      [WRITE_ATTRIBUTE]: randomUUID(),
    };
    const condition =
      photo.version === 1
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': photo.version - 1 },
          };
    // The label index first, one item per label: harmless when the write below is refused,
    // since a listing by label reads the record too; so a crash between leaves no photo unlisted.
    await Promise.all(
      [...new Set((photo.labels ?? []).map((l) => ImageAnalysis.labelKey(l.name)))].map((label) =>
        this.doc.send(
          new PutCommand({
            TableName: this.config.tableName,
            Item: { pk: pk(photo.ownerId), sk: labelSk(label, photo.id), photoId: photo.id },
          }),
        ),
      ),
    );
    try {
      await this.doc.send(new PutCommand({ TableName: this.config.tableName, Item: item, ...condition }));
      return ok(undefined);
    } catch (error) {
      if (error instanceof Error && error.name === 'ConditionalCheckFailedException') {
        if (await this.holds(item)) return ok(undefined);
        return err(new VersionConflictError(photo.id, photo.version - 1));
      }
      throw error;
    }
  }

  /**
   * Whether the table holds this very write of `item`. The SDK retries a
   * PutItem whose answer was lost (a 500 after the write, a reset connection);
   * when the first try was carried out, the retry meets its own item and its
   * condition fails. That is this write done, not a conflict: refusing it would
   * fail a registration that succeeded, or have a worker redo finished work.
   * Another save of the same version, even with the same fields, has another
   * write id and stays a conflict.
   */
  private async holds(item: Item): Promise<boolean> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.config.tableName,
        Key: { pk: item.pk, sk: item.sk },
        ConsistentRead: true,
        ProjectionExpression: '#write',
        ExpressionAttributeNames: { '#write': WRITE_ATTRIBUTE },
      }),
    );
    return out.Item?.[WRITE_ATTRIBUTE] === item[WRITE_ATTRIBUTE];
  }

  async listByOwner(ownerId: OwnerId, options: { limit: number; after?: PhotoId }): Promise<PhotoPage> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.config.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :photo)',
        ExpressionAttributeValues: { ':pk': pk(ownerId), ':photo': SK_PREFIX },
        ScanIndexForward: false,
        Limit: options.limit,
        ConsistentRead: true,
        ...(options.after ? { ExclusiveStartKey: { pk: pk(ownerId), sk: sk(options.after) } } : {}),
      }),
    );
    const items = (out.Items ?? []).map(toPhoto);
    const lastSk = out.LastEvaluatedKey?.sk;
    if (typeof lastSk !== 'string') return { items };
    const last = PhotoId.parse(lastSk.slice(SK_PREFIX.length));
    if (!last.ok) throw new Error(`DynamoDB returned a LastEvaluatedKey that is no photo: ${lastSk}`);
    return { items, last: last.value };
  }

  /**
   * A Query of the owner's `LABEL#{label}#` items, newest first, then the records they
   * point at. An item whose photo is gone (deleted since) is removed as it is met; a
   * photo whose record no longer has the label is left out.
   */
  async listByLabel(
    ownerId: OwnerId,
    label: string,
    options: { limit: number; after?: PhotoId },
  ): Promise<PhotoPage> {
    const key = ImageAnalysis.labelKey(label);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.config.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :label)',
        ExpressionAttributeValues: { ':pk': pk(ownerId), ':label': labelSk(key, '') },
        ScanIndexForward: false,
        Limit: options.limit,
        ConsistentRead: true,
        ...(options.after ? { ExclusiveStartKey: { pk: pk(ownerId), sk: labelSk(key, options.after) } } : {}),
      }),
    );
    const found = await Promise.all(
      (out.Items ?? []).map(async (item) => {
        const photoId = String(item.sk).slice(labelSk(key, '').length) as PhotoId;
        const photo = await this.get(ownerId, photoId);
        if (!photo) {
          await this.doc.send(
            new DeleteCommand({ TableName: this.config.tableName, Key: { pk: item.pk, sk: item.sk } }),
          );
        }
        return photo;
      }),
    );
    const items = found.filter(
      (p): p is Photo =>
        p !== undefined && (p.labels ?? []).some((l) => ImageAnalysis.labelKey(l.name) === key),
    );
    const lastSk = out.LastEvaluatedKey?.sk;
    if (typeof lastSk !== 'string') return { items };
    const last = PhotoId.parse(lastSk.slice(labelSk(key, '').length));
    if (!last.ok) throw new Error(`DynamoDB returned a LastEvaluatedKey that is no photo: ${lastSk}`);
    return { items, last: last.value };
  }

  /**
   * A Scan of the whole table for pending photos past their TTL that DynamoDB
   * has not deleted yet (it takes up to a few days). Nothing on AWS calls it:
   * TTL is the sweep there. It answers the port's question, for tests and ops.
   */
  async listPurgeable(now: Date, limit: number): Promise<readonly Photo[]> {
    const found: Photo[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(
        new ScanCommand({
          TableName: this.config.tableName,
          FilterExpression: '#ttl <= :now AND #status = :pending',
          ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE, '#status': 'status' },
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000), ':pending': 'pending' },
          ConsistentRead: true,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      for (const item of out.Items ?? []) if (found.length < limit) found.push(toPhoto(item));
      start = out.LastEvaluatedKey;
    } while (start && found.length < limit);
    return found;
  }

  async delete(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined> {
    const out = await this.doc.send(
      new DeleteCommand({
        TableName: this.config.tableName,
        Key: { pk: pk(ownerId), sk: sk(photoId) },
        // The item as it was, from the one write that removed it: of two concurrent deletes,
        // only one gets it back.
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes ? toPhoto(out.Attributes) : undefined;
  }
}
