import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbPhotoRepository } from '../../src/adapters/aws/dynamodb-photo-repository.js';
import type { OwnerId } from '../../src/domain/owner-id.js';
import { Photo } from '../../src/domain/photo.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import { photoIdAt, uniqueOwner } from '../support/fixtures.js';
import { photoJpeg } from '../support/images.js';

/**
 * The analysis Lambda (src/entrypoints/lambda/analysis-worker.ts) on S3 and DynamoDB
 * emulators, with Rekognition replaced by a stand-in HTTP endpoint
 * (AWS_ENDPOINT_URL_REKOGNITION): there is no Rekognition emulator, so the stand-in
 * records each request the real SDK sends and answers with Rekognition's documented
 * JSON. Everything else is the production path: the raw S3 notification as the analysis
 * queue receives it, the analysis JPEG made by wasm-vips and stored in S3, the record
 * written to DynamoDB, partial batch failures.
 */

const aws = inject('aws');
const credentials = { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey };
const s3 = new S3Client({ region: aws.region, endpoint: aws.s3Endpoint, forcePathStyle: true, credentials });
const ddb = new DynamoDBClient({ region: aws.region, endpoint: aws.dynamodbEndpoint, credentials });
const photos = new DynamoDbPhotoRepository(ddb, { tableName: aws.table });

interface Seen {
  readonly target: string;
  readonly body: { Image?: { S3Object?: { Bucket: string; Name: string } } };
}
const seen: Seen[] = [];
let rekognition: Server;
let worker: (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Answers as Rekognition does; an image of an owner named `throttled-...` is throttled. */
function standIn(request: IncomingMessage, response: ServerResponse): void {
  const chunks: Buffer[] = [];
  request.on('data', (c: Buffer) => chunks.push(c));
  request.on('end', () => {
    const target = String(request.headers['x-amz-target'] ?? '');
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Seen['body'];
    seen.push({ target, body });
    const json = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
      response.end(JSON.stringify(value));
    };
    if (body.Image?.S3Object?.Name.includes('/throttled-')) {
      return json(400, { __type: 'ThrottlingException', Message: 'Rate exceeded' });
    }
    if (target.endsWith('DetectLabels')) {
      return json(200, {
        Labels: [{ Name: 'Dog', Confidence: 97.5, Parents: [{ Name: 'Animal' }, { Name: 'Pet' }] }],
        LabelModelVersion: '3.0',
      });
    }
    return json(200, { ModerationLabels: [], ModerationModelVersion: '7.0' });
  });
}

beforeAll(async () => {
  rekognition = createServer(standIn);
  await new Promise<void>((resolve) => rekognition.listen(0, '127.0.0.1', resolve));
  const { port } = rekognition.address() as AddressInfo;
  Object.assign(process.env, {
    PHOTOS_BUCKET: aws.bucket,
    PHOTOS_TABLE: aws.table,
    THUMBNAIL_QUEUE_URL: aws.queueUrl,
    AWS_REGION: aws.region,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ENDPOINT_URL_S3: aws.s3Endpoint,
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamodbEndpoint,
    AWS_ENDPOINT_URL_REKOGNITION: `http://127.0.0.1:${port}`,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  });
  worker = (await import('../../src/entrypoints/lambda/analysis-worker.js')).handler;
}, 60_000);

afterAll(async () => {
  s3.destroy();
  ddb.destroy();
  await new Promise((resolve) => rekognition.close(resolve));
});

const context = {
  functionName: 'analysis',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

/** A processing photo of `owner` whose original has landed. */
async function uploaded(owner: OwnerId, bytes: Uint8Array): Promise<Photo> {
  const now = new Date();
  const pending = Photo.register({
    id: photoIdAt(),
    ownerId: owner,
    filename: 'dog.jpg',
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    now,
  });
  const photo = Photo.startProcessing(pending, bytes.byteLength, now);
  expect((await photos.save(pending)).ok).toBe(true);
  expect((await photos.save(photo)).ok).toBe(true);
  await s3.send(
    new PutObjectCommand({ Bucket: aws.bucket, Key: StorageKeys.original(owner, photo.id), Body: bytes }),
  );
  return photo;
}

/** The raw S3 notification, as SNS delivers it to the analysis queue with raw message delivery. */
const record = (messageId: string, body: string): SQSRecord =>
  ({
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1' },
    messageAttributes: {},
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${aws.region}:123456789012:pixport-analysis`,
    awsRegion: aws.region,
  }) as unknown as SQSRecord;
const created = (key: string) =>
  JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: aws.bucket }, object: { key, size: 1 } },
      },
    ],
  });

describe('analysis worker Lambda', () => {
  it('analyses what lands, reports only the record a retry may cure, and drops what never parses', async () => {
    const bytes = await photoJpeg({ width: 1600, height: 1200 });
    const dog = await uploaded(uniqueOwner(), bytes);
    const throttled = await uploaded(uniqueOwner('throttled'), bytes);

    const result = await worker(
      {
        Records: [
          record('m-dog', created(StorageKeys.original(dog.ownerId, dog.id))),
          record('m-throttled', created(StorageKeys.original(throttled.ownerId, throttled.id))),
          record('m-garbage', 'not json'),
        ],
      },
      context,
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm-throttled' }]);
    const stored = await photos.get(dog.ownerId, dog.id);
    expect(stored?.labels).toEqual([{ name: 'Dog', confidence: 97.5, parents: ['Animal', 'Pet'] }]);
    expect(stored?.moderation).toEqual({ verdict: 'allow', labels: [], modelVersion: '7.0' });
    expect(stored?.status).toBe('processing');
    expect((await photos.get(throttled.ownerId, throttled.id))?.analysis).toBeUndefined();
    // Both calls by S3 reference to the analysis JPEG, which is in the bucket.
    const forDog = seen.filter((s) => s.body.Image?.S3Object?.Name.includes(dog.id));
    expect(forDog.map((s) => s.target).sort()).toEqual([
      'RekognitionService.DetectLabels',
      'RekognitionService.DetectModerationLabels',
    ]);
    for (const s of forDog) {
      expect(s.body.Image?.S3Object).toEqual({
        Bucket: aws.bucket,
        Name: StorageKeys.analysisImage(dog.ownerId, dog.id),
      });
    }
    expect((await photos.listByLabel(dog.ownerId, 'dog', { limit: 5 })).items.map((p) => p.id)).toEqual([
      dog.id,
    ]);

    // Redelivered: nothing asked of Rekognition again.
    const before = seen.length;
    const again = await worker(
      { Records: [record('m-dog-2', created(StorageKeys.original(dog.ownerId, dog.id)))] },
      context,
    );
    expect(again.batchItemFailures).toEqual([]);
    expect(seen).toHaveLength(before);
  });
});
