import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectTaggingCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { defaultRenditionSettings } from '../../src/domain/presets.js';
import type { UploadOutcome } from './upload-clients.js';

/** Where the census looks, with clients that go straight to the emulators (never through a proxy). */
export interface CensusSources {
  readonly s3: S3Client;
  readonly dynamo: DynamoDBClient;
  readonly sqs: SQSClient;
  readonly bucket: string;
  readonly table: string;
  readonly queueUrl: string;
  readonly deadLetterQueueUrl: string;
}

/** Messages in a queue: visible, in flight, delayed. */
export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return Object.values(out.Attributes ?? {}).reduce((sum, n) => sum + Number(n), 0);
}

/** The state of one round's photos, from the table, the bucket and the queues. */
export interface Census {
  /** Uploads the clients wanted to make. */
  readonly uploads: number;
  /** Uploads whose client gave up (never got the bytes stored). */
  readonly gaveUp: number;
  readonly ready: number;
  /** Uploads the client finished whose photo has no record or no original. */
  readonly lost: readonly string[];
  /** Uploads the client finished whose photo is not ready, by status. */
  readonly stuck: Readonly<Record<string, number>>;
  /** Some of them: `owner/photoId status`. */
  readonly stuckPhotos: readonly string[];
  /** Ready photos with a rendition the record names missing from the bucket. */
  readonly renditionsMissing: number;
  /** Ready or failed photos whose original still has the pending-upload tag: the lifecycle rule would expire it. */
  readonly acceptedStillTagged: number;
  /** Objects under a photo with a record that the record does not account for. */
  readonly duplicateObjects: readonly string[];
  /** Renditions written for a photo that is not ready (a render whose record write failed): its next render overwrites them. */
  readonly partialRenditions: number;
  /** Objects of photos with no record, and of those, how many still carry the pending tag (the lifecycle rule's). */
  readonly orphanObjects: readonly string[];
  readonly orphansTagged: number;
  /** Records the clients never finished: pending with a TTL (purged by DynamoDB) and anything else. */
  readonly abandonedPendingWithTtl: number;
  readonly otherRecords: Readonly<Record<string, number>>;
  /** Sum over owners of (usage item's photos - photo records). */
  readonly usageDrift: { readonly photos: number; readonly owners: number };
  readonly objects: number;
  readonly records: number;
  readonly dlq: number;
  /** Some dead letters: message id, the key they name, and that photo's status. */
  readonly deadLetters: readonly string[];
  readonly queueLeft: number;
}

interface PhotoRecord {
  readonly status: string;
  readonly ttl?: number;
  readonly renditions?: readonly { key: string }[];
}

async function scanRecords(src: CensusSources, ownerPrefix: string) {
  const photos = new Map<string, PhotoRecord>();
  const usage = new Map<string, number>();
  const doc = DynamoDBDocumentClient.from(src.dynamo);
  let start: Record<string, unknown> | undefined;
  do {
    const out = await doc.send(
      new ScanCommand({
        TableName: src.table,
        FilterExpression: 'begins_with(pk, :owner)',
        ExpressionAttributeValues: { ':owner': `OWNER#${ownerPrefix}` },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const owner = String(item.pk).slice('OWNER#'.length);
      const sk = String(item.sk);
      if (sk === 'USAGE') usage.set(owner, Number(item.photos ?? 0));
      else if (sk.startsWith('PHOTO#'))
        photos.set(`${owner}/${sk.slice('PHOTO#'.length)}`, item as PhotoRecord);
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { photos, usage };
}

async function listKeys(src: CensusSources, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const out = await src.s3.send(
      new ListObjectsV2Command({ Bucket: src.bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of out.Contents ?? []) if (o.Key) keys.push(o.Key);
    token = out.IsTruncated ? out.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

const isTaggedPending = async (src: CensusSources, key: string): Promise<boolean> => {
  const out = await src.s3.send(new GetObjectTaggingCommand({ Bucket: src.bucket, Key: key }));
  return (out.TagSet ?? []).some((t) => t.Key === 'pixport-upload' && t.Value === 'pending');
};

/**
 * Up to 10 dead letters, looked at and left in place (visible again at once;
 * the DLQ has no redrive policy, so the extra receive changes nothing).
 */
async function peekDeadLetters(
  src: CensusSources,
  photos: ReadonlyMap<string, PhotoRecord>,
): Promise<string[]> {
  const out = await src.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: src.deadLetterQueueUrl,
      MaxNumberOfMessages: 10,
      VisibilityTimeout: 0,
    }),
  );
  return (out.Messages ?? []).map((m) => {
    let key = '(not an S3 notification)';
    try {
      const raw = JSON.parse(m.Body ?? '').Records?.[0]?.s3?.object?.key;
      if (typeof raw === 'string') key = decodeURIComponent(raw.replace(/\+/g, ' '));
    } catch {
      // Shown as not an S3 notification.
    }
    return `${m.MessageId} ${key} (${photos.get(photoOf(key))?.status ?? 'no record'})`;
  });
}

/** `owner/photoId` of an `originals/owner/id` or `renditions/owner/id/preset.ext` key. */
const photoOf = (key: string): string => key.split('/').slice(1, 3).join('/');

/** The keys the worker writes the renditions of `owner/photoId` to. */
const renditionKeys = (photo: string): string[] =>
  defaultRenditionSettings.presets.map(
    (p) => `renditions/${photo}/${p.name}.${defaultRenditionSettings.format}`,
  );

/**
 * Counts what a round left: every record and object of owners starting with
 * `ownerPrefix`, checked against what the clients believe they uploaded.
 *
 * A photo is expected to own exactly its original (`originals/{owner}/{id}`)
 * and the renditions its record names (`renditions/{owner}/{id}/{preset}.webp`,
 * thumb, preview and large): any other object under it is a duplicate, any
 * object of a photo without a record an orphan. A photo not ready may hold the
 * renditions of a render whose record write failed; they are counted apart, as
 * the render that finishes it writes the same keys.
 *
 * @example
 * const census = await takeCensus(sources, 'chaos-r1-', outcomes);
 */
export async function takeCensus(
  src: CensusSources,
  ownerPrefix: string,
  outcomes: readonly UploadOutcome[],
): Promise<Census> {
  const { photos, usage } = await scanRecords(src, ownerPrefix);
  const keys = [
    ...(await listKeys(src, `originals/${ownerPrefix}`)),
    ...(await listKeys(src, `renditions/${ownerPrefix}`)),
  ];
  const objects = new Set(keys);
  const finished = new Set(outcomes.flatMap((o) => (o.photoId ? [`${o.owner}/${o.photoId}`] : [])));

  let ready = 0;
  let renditionsMissing = 0;
  let acceptedStillTagged = 0;
  const lost: string[] = [];
  const stuck: Record<string, number> = {};
  const stuckPhotos: string[] = [];
  for (const photo of finished) {
    const record = photos.get(photo);
    const original = `originals/${photo}`;
    if (!record || !objects.has(original)) {
      lost.push(`${photo} (${record ? `${record.status}, no original` : 'no record'})`);
      continue;
    }
    if (record.status !== 'ready') {
      stuck[record.status] = (stuck[record.status] ?? 0) + 1;
      if (stuckPhotos.length < 10) stuckPhotos.push(`${photo} ${record.status}`);
      continue;
    }
    if ((record.renditions ?? []).some((r) => !objects.has(r.key))) renditionsMissing++;
    else ready++;
    if (await isTaggedPending(src, original)) acceptedStillTagged++;
  }

  const duplicateObjects: string[] = [];
  let partialRenditions = 0;
  const orphanObjects: string[] = [];
  let orphansTagged = 0;
  for (const key of keys) {
    const photo = photoOf(key);
    const record = photos.get(photo);
    if (!record) {
      orphanObjects.push(key);
      if (key.startsWith('originals/') && (await isTaggedPending(src, key))) orphansTagged++;
      continue;
    }
    const expected = new Set([`originals/${photo}`, ...(record.renditions ?? []).map((r) => r.key)]);
    if (expected.has(key)) continue;
    if (record.status !== 'ready' && renditionKeys(photo).includes(key)) partialRenditions++;
    else duplicateObjects.push(key);
  }

  let abandonedPendingWithTtl = 0;
  const otherRecords: Record<string, number> = {};
  for (const [photo, record] of photos) {
    if (finished.has(photo)) continue;
    if (record.status === 'pending' && record.ttl !== undefined) abandonedPendingWithTtl++;
    else otherRecords[record.status] = (otherRecords[record.status] ?? 0) + 1;
  }

  const owners = new Set(outcomes.map((o) => o.owner));
  let drift = 0;
  let ownersOff = 0;
  for (const owner of owners) {
    const counted = usage.get(owner) ?? 0;
    const held = [...photos.keys()].filter((p) => p.startsWith(`${owner}/`)).length;
    drift += counted - held;
    if (counted !== held) ownersOff++;
  }

  return {
    uploads: outcomes.length,
    gaveUp: outcomes.filter((o) => !o.photoId).length,
    ready,
    lost,
    stuck,
    stuckPhotos,
    renditionsMissing,
    acceptedStillTagged,
    duplicateObjects,
    partialRenditions,
    orphanObjects,
    orphansTagged,
    abandonedPendingWithTtl,
    otherRecords,
    usageDrift: { photos: drift, owners: ownersOff },
    objects: keys.length,
    records: photos.size,
    dlq: await queueDepth(src.sqs, src.deadLetterQueueUrl),
    deadLetters: await peekDeadLetters(src, photos),
    queueLeft: await queueDepth(src.sqs, src.queueUrl),
  };
}
