import {
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  Context,
  SQSBatchResponse,
  SQSEvent,
  SQSRecord,
} from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { sendUpload } from '../contract/url-signer.contract.js';
import { S3_FAULT_OWNER_PREFIX } from '../support/emulators.js';
import { photoJpeg, truncatedJpeg } from '../support/images.js';
import { paddedJpeg } from '../support/padded-jpeg.js';
import { testVideo } from '../support/videos.js';

const MiB = 1024 * 1024;

/**
 * The whole AWS path, with events shaped as API Gateway, S3 and SQS send
 * them: register an upload through the http Lambda, PUT the bytes to S3 with
 * the presigned target, hand the worker Lambda the SQS batch that S3's
 * notifications make, read the gallery, redeliver, delete.
 */

const aws = inject('aws');
const s3 = new S3Client({
  region: aws.region,
  endpoint: aws.s3Endpoint,
  forcePathStyle: true,
  credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
});

type Handler<E, R> = (event: E, context: Context) => Promise<R>;
let http: Handler<APIGatewayProxyEventV2, APIGatewayProxyResult>;
let worker: Handler<SQSEvent, SQSBatchResponse>;
const emf: string[] = [];

beforeAll(async () => {
  Object.assign(process.env, {
    PHOTOS_BUCKET: aws.bucket,
    PHOTOS_TABLE: aws.table,
    THUMBNAIL_QUEUE_URL: aws.queueUrl,
    AWS_REGION: aws.region,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_ENDPOINT_URL_S3: aws.s3Endpoint,
    AWS_ENDPOINT_URL_SQS: aws.sqsEndpoint,
    AWS_ENDPOINT_URL_DYNAMODB: aws.dynamodbEndpoint,
    ALLOWED_ORIGINS: 'https://photos.example.com',
    // Multipart over 6 MiB, in parts of 5 MiB (S3's least), so a test file need not be 16 MiB.
    MULTIPART_THRESHOLD_BYTES: String(6 * MiB),
    MULTIPART_PART_BYTES: String(5 * MiB),
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    // Dev mode sends the EMF lines to the global console, where the test reads them.
    POWERTOOLS_DEV: 'true',
    POWERTOOLS_METRICS_DISABLED: 'false',
  });
  const log = console.log;
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    const line = String(args[0]);
    if (line.includes('"_aws"')) emf.push(line);
    else log(...args);
  });
  http = (await import('../../src/entrypoints/lambda/http.js')).handler as typeof http;
  worker = (await import('../../src/entrypoints/lambda/thumbnail-worker.js')).handler;
});

afterAll(() => {
  vi.restoreAllMocks();
  s3.destroy();
});

let requests = 0;
const lambdaContext = (name: string): Context => ({
  callbackWaitsForEmptyEventLoop: true,
  functionName: name,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:${aws.region}:123456789012:function:${name}`,
  memoryLimitInMB: '1024',
  awsRequestId: `req-${++requests}`,
  logGroupName: `/aws/lambda/${name}`,
  logStreamName: '2026/11/22/[$LATEST]0123456789abcdef',
  getRemainingTimeInMillis: () => 30_000,
  done: () => {},
  fail: () => {},
  succeed: () => {},
});

/** An API Gateway HTTP API (payload 2.0) event behind the JWT authorizer; no `owner`, no authorizer. */
function apiEvent(
  method: string,
  path: string,
  options: { owner?: string; body?: unknown; query?: string } = {},
): APIGatewayProxyEventV2 {
  const now = Date.now();
  const event = {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: {
      accept: 'application/json',
      host: 'api.photos.example.com',
      origin: 'https://photos.example.com',
      'user-agent': 'integration-test',
      'x-forwarded-for': '203.0.113.7',
      'x-forwarded-proto': 'https',
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(options.query
      ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.query)) }
      : {}),
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123defg',
      ...(options.owner
        ? {
            authorizer: {
              jwt: {
                claims: {
                  sub: options.owner,
                  iss: 'https://cognito-idp.example.com/pool',
                  token_use: 'access',
                },
                scopes: null,
              },
            },
          }
        : {}),
      domainName: 'api.photos.example.com',
      domainPrefix: 'api',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '203.0.113.7', userAgent: 'integration-test' },
      requestId: `api-${now}`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    isBase64Encoded: false,
  };
  return event as APIGatewayProxyEventV2;
}

const call = async (event: APIGatewayProxyEventV2) => {
  const res = await http(event, lambdaContext('pixport-api'));
  const body = res.body
    ? JSON.parse(res.isBase64Encoded ? Buffer.from(res.body, 'base64').toString() : res.body)
    : undefined;
  return { status: res.statusCode, headers: res.headers ?? {}, body };
};

/** S3's notification encoding of a key: form-style, `/` kept, space as `+`. */
const notificationKey = (key: string): string =>
  key
    .split('/')
    .map((part) => encodeURIComponent(part).replace(/%20/g, '+'))
    .join('/');

/** An S3 ObjectCreated notification (a PUT by default), as S3 writes it into the SQS message body. */
function objectCreated(key: string, size: number, eventName = 'ObjectCreated:Put'): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: aws.region,
        eventTime: new Date().toISOString(),
        eventName,
        userIdentity: { principalId: 'AWS:AROAEXAMPLE:pixport-api' },
        requestParameters: { sourceIPAddress: '203.0.113.7' },
        responseElements: {
          'x-amz-request-id': 'C3D13FE58DE4C810',
          'x-amz-id-2': 'FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD',
        },
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'originals-created',
          bucket: {
            name: aws.bucket,
            ownerIdentity: { principalId: 'A3NL1KOZZKExample' },
            arn: `arn:aws:s3:::${aws.bucket}`,
          },
          object: {
            key: notificationKey(key),
            size,
            eTag: 'd41d8cd98f00b204e9800998ecf8427e',
            sequencer: '0055AED6DCD90281E5',
          },
        },
      },
    ],
  });
}

/** An SQS record as the event source mapping hands it to Lambda. */
function sqsRecord(messageId: string, body: string): SQSRecord {
  const sent = String(Date.now());
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: sent,
      SenderId: 'AIDAIENQZJOLO23YVJ4VO',
      ApproximateFirstReceiveTimestamp: sent,
    },
    messageAttributes: {},
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${aws.region}:123456789012:pixport-thumbnails`,
    awsRegion: aws.region,
  };
}

/** The tags of an object, as `key=value` strings. */
const tagsOf = async (key: string): Promise<string[]> => {
  const out = await s3.send(new GetObjectTaggingCommand({ Bucket: aws.bucket, Key: key }));
  return (out.TagSet ?? []).map((t) => `${t.Key}=${t.Value}`);
};

const exists = async (key: string): Promise<boolean> =>
  s3.send(new HeadObjectCommand({ Bucket: aws.bucket, Key: key })).then(
    () => true,
    (error: { name?: string }) => {
      if (error.name === 'NotFound' || error.name === 'NoSuchKey') return false;
      throw error;
    },
  );

const listKeys = async (prefix: string): Promise<{ key: string; etag: string }[]> => {
  const out = await s3.send(new ListObjectsV2Command({ Bucket: aws.bucket, Prefix: prefix }));
  return (out.Contents ?? [])
    .map((o) => ({ key: o.Key ?? '', etag: o.ETag ?? '' }))
    .sort((a, b) => a.key.localeCompare(b.key));
};

interface PhotoJson {
  id: string;
  status: string;
  filename: string;
  contentType: string;
  width?: number;
  height?: number;
  failure?: { code: string };
  updatedAt: string;
  urls?: { original: string; thumbnails: Record<string, string> };
}

describe('the AWS path: API Gateway -> Lambda -> S3 -> SQS -> worker Lambda -> gallery', () => {
  // Needs encoding in a key and in a notification: `|` is %7C, `+` is %2B, `@` is %40.
  const owner = `auth0|path+${crypto.randomUUID().slice(0, 8)}@example.com`;
  const faultOwner = `${S3_FAULT_OWNER_PREFIX}${crypto.randomUUID().slice(0, 8)}`;

  const register = async (who: string, filename: string, bytes: Uint8Array) => {
    const res = await call(
      apiEvent('POST', '/uploads', {
        owner: who,
        body: { filename, contentType: 'image/jpeg', size: bytes.byteLength },
      }),
    );
    expect(res.status).toBe(201);
    return res.body as {
      photo: PhotoJson;
      upload: { method: 'PUT' | 'POST'; url: string; headers?: Record<string, string> };
    };
  };

  it('refuses a request that carries no verified identity', async () => {
    const res = await call(apiEvent('GET', '/photos'));
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });

  it('registers, uploads, renders, lists, survives redelivery and deletes without a trace', async () => {
    const goodBytes = await photoJpeg({ width: 1200, height: 800 });
    const badBytes = await truncatedJpeg();
    const good = await register(owner, 'Été à la plage.jpg', goodBytes);
    const bad = await register(owner, 'broken.jpg', badBytes);
    const faulty = await register(faultOwner, 'unlucky.jpg', goodBytes);
    expect(good.photo.status).toBe('pending');
    expect(good.upload.method).toBe('PUT');
    expect(new URL(good.upload.url).searchParams.get('X-Amz-SignedHeaders')).toContain('content-length');

    for (const [target, bytes] of [
      [good.upload, goodBytes],
      [bad.upload, badBytes],
    ] as const) {
      expect((await sendUpload(fetch, target, bytes, 'image/jpeg')).status).toBe(200);
    }
    const goodKey = `originals/${owner}/${good.photo.id}`;
    const badKey = `originals/${owner}/${bad.photo.id}`;
    const faultyKey = `originals/${faultOwner}/${faulty.photo.id}`;
    expect(await listKeys(`originals/${owner}/`)).toHaveLength(2);
    // Until the upload is accepted, the lifecycle rule for unaccepted originals applies to it.
    expect(await tagsOf(goodKey)).toEqual(['pixport-upload=pending']);
    expect(await tagsOf(badKey)).toEqual(['pixport-upload=pending']);

    const batch: SQSEvent = {
      Records: [
        sqsRecord('m-good', objectCreated(goodKey, goodBytes.byteLength)),
        sqsRecord('m-corrupt', objectCreated(badKey, badBytes.byteLength)),
        sqsRecord('m-not-json', 'Records: [this is not JSON'),
        sqsRecord(
          'm-test-event',
          JSON.stringify({
            Service: 'Amazon S3',
            Event: 's3:TestEvent',
            Time: new Date().toISOString(),
            Bucket: aws.bucket,
            RequestId: '5582815E1AEA5ADF',
            HostId: '8cLeGAmw098X5cv4Zkwcmo8vvZa3eH3eKxsPzbB9wrR+YstdA6Knx4Ip8EXAMPLE',
          }),
        ),
        sqsRecord('m-s3-down', objectCreated(faultyKey, goodBytes.byteLength)),
        sqsRecord(
          'm-job-of-deleted',
          JSON.stringify({
            type: 'thumbnail-job',
            ownerId: owner,
            photoId: '01900000-0000-7000-8000-000000000000',
          }),
        ),
      ],
    };

    // Only the transient S3 failure is worth a retry: the corrupt image is recorded as
    // failed, the unparseable body and the test event are dropped, the deleted photo skipped.
    const first = await worker(batch, lambdaContext('pixport-thumbnails'));
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm-s3-down' }]);

    // Accepted (ready, or failed as a corrupt image): the originals are kept for good.
    expect(await tagsOf(goodKey)).toEqual([]);
    expect(await tagsOf(badKey)).toEqual([]);

    const gallery = await call(apiEvent('GET', '/photos', { owner, query: 'limit=10' }));
    expect(gallery.status).toBe(200);
    const items = gallery.body.items as PhotoJson[];
    expect(items.map((p) => p.id)).toEqual([bad.photo.id, good.photo.id]);
    const [failed, ready] = items as [PhotoJson, PhotoJson];
    expect(failed).toMatchObject({ status: 'failed', failure: { code: 'corrupt-image' } });
    expect(ready).toMatchObject({ status: 'ready', width: 1200, height: 800, contentType: 'image/jpeg' });

    const thumbnails = Object.entries(ready.urls?.thumbnails ?? {});
    expect(thumbnails.map(([preset]) => preset).sort()).toEqual(['large', 'preview', 'thumb']);
    for (const [, url] of thumbnails) {
      const res = await fetch(url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      const bytes = new Uint8Array(await res.arrayBuffer());
      expect(Buffer.from(bytes.subarray(8, 12)).toString('latin1')).toBe('WEBP');
    }
    const original = await fetch(ready.urls?.original ?? '');
    expect(original.status).toBe(200);
    expect(original.headers.get('content-disposition')).toContain(
      "filename*=UTF-8''%C3%89t%C3%A9%20%C3%A0%20la%20plage.jpg",
    );
    expect(new Uint8Array(await original.arrayBuffer())).toEqual(goodBytes);

    const redirect = await call(apiEvent('GET', `/photos/${good.photo.id}/thumbnails/thumb`, { owner }));
    expect(redirect.status).toBe(302);
    expect(redirect.headers.location).toContain(
      `/renditions/${encodeURIComponent(owner)}/${good.photo.id}/thumb.webp`,
    );

    // The metrics the worker published for this batch (CloudWatch EMF).
    const published = emf.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(published.some((m) => m.ThumbnailsMade === 1)).toBe(true);
    expect(published.some((m) => m.ThumbnailsFailed === 1)).toBe(true);

    // Redelivery (a duplicate, or after a visibility timeout): nothing changes.
    const objectsBefore = await listKeys(`renditions/${owner}/`);
    expect(objectsBefore).toHaveLength(3);
    const second = await worker(batch, lambdaContext('pixport-thumbnails'));
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: 'm-s3-down' }]);
    const again = (await call(apiEvent('GET', '/photos', { owner }))).body.items as PhotoJson[];
    expect(again.map(({ id, status, updatedAt }) => ({ id, status, updatedAt }))).toEqual(
      items.map(({ id, status, updatedAt }) => ({ id, status, updatedAt })),
    );
    expect(await listKeys(`renditions/${owner}/`)).toEqual(objectsBefore);
    expect(await listKeys(`originals/${owner}/`)).toHaveLength(2);

    // Delete: nothing of either photo is left in the bucket or the table.
    for (const id of [good.photo.id, bad.photo.id]) {
      expect((await call(apiEvent('DELETE', `/photos/${id}`, { owner }))).status).toBe(204);
      expect((await call(apiEvent('DELETE', `/photos/${id}`, { owner }))).status).toBe(404);
    }
    expect(await listKeys(`originals/${owner}/`)).toEqual([]);
    expect(await listKeys(`renditions/${owner}/`)).toEqual([]);
    expect((await call(apiEvent('GET', '/photos', { owner }))).body.items).toEqual([]);
  });

  it('deletes an original that lands for a photo deleted before its bytes, or never registered', async () => {
    const bytes = await photoJpeg({ width: 64, height: 48 });
    const gone = await register(owner, 'changed my mind.jpg', bytes);
    expect((await call(apiEvent('DELETE', `/photos/${gone.photo.id}`, { owner }))).status).toBe(204);
    // The presigned PUT is still valid after the delete: the bytes land anyway.
    expect((await sendUpload(fetch, gone.upload, bytes, 'image/jpeg')).status).toBe(200);
    const goneKey = `originals/${owner}/${gone.photo.id}`;
    expect(await tagsOf(goneKey)).toEqual(['pixport-upload=pending']);

    // A key Pixport builds, but for an id no one registered.
    const strayKey = `originals/${owner}/01900000-0000-7000-8000-0000000000aa`;
    await s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: strayKey, Body: bytes }));

    const batch: SQSEvent = {
      Records: [
        sqsRecord('m-deleted', objectCreated(goneKey, bytes.byteLength)),
        sqsRecord('m-stray', objectCreated(strayKey, bytes.byteLength)),
      ],
    };
    const emfBefore = emf.length;
    expect((await worker(batch, lambdaContext('pixport-thumbnails'))).batchItemFailures).toEqual([]);
    const published = emf.slice(emfBefore).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(published.map((m) => m.OrphanOriginalsDeleted)).toEqual([[1, 1]]);
    expect(await exists(goneKey)).toBe(false);
    expect(await exists(strayKey)).toBe(false);
    expect(await listKeys(`renditions/${owner}/${gone.photo.id}/`)).toEqual([]);
    // A redelivery finds nothing left to delete, and is not an error either.
    expect((await worker(batch, lambdaContext('pixport-thumbnails'))).batchItemFailures).toEqual([]);
  });

  it('takes a video: registered and uploaded as one, accepted by the thumbnail worker without failing it', async () => {
    // The video workflow (MediaConvert) is not wired here: the thumbnail worker accepts the
    // upload and leaves the video to it, as on the dev server it leaves it to ffmpeg.
    const bytes = await testVideo('mp4');
    const registered = await call(
      apiEvent('POST', '/uploads', {
        owner,
        body: { filename: 'clip.mp4', contentType: 'video/mp4', size: bytes.byteLength },
      }),
    );
    expect(registered.status).toBe(201);
    const { photo, upload } = registered.body as {
      photo: PhotoJson;
      upload: { method: 'PUT' | 'POST'; url: string; headers?: Record<string, string> };
    };
    expect(photo).toMatchObject({ kind: 'video', contentType: 'video/mp4', status: 'pending' });
    expect((await sendUpload(fetch, upload, bytes, 'video/mp4')).status).toBe(200);
    const key = `originals/${owner}/${photo.id}`;

    const batch: SQSEvent = { Records: [sqsRecord('m-video', objectCreated(key, bytes.byteLength))] };
    expect((await worker(batch, lambdaContext('pixport-thumbnails'))).batchItemFailures).toEqual([]);
    const accepted = (await call(apiEvent('GET', `/photos/${photo.id}`, { owner }))).body as PhotoJson;
    expect(accepted).toMatchObject({ kind: 'video', status: 'processing', size: bytes.byteLength });
    expect(await tagsOf(key)).toEqual([]);
    expect(await listKeys(`renditions/${owner}/${photo.id}/`)).toEqual([]);

    expect((await call(apiEvent('DELETE', `/photos/${photo.id}`, { owner }))).status).toBe(204);
    expect(await exists(key)).toBe(false);
  });
});

describe('the AWS path of a multipart upload: presigned parts -> CompleteMultipartUpload -> worker', () => {
  const owner = `multipart|${crypto.randomUUID().slice(0, 8)}`;

  const registerBig = async (bytes: Uint8Array) => {
    const res = await call(
      apiEvent('POST', '/uploads', {
        owner,
        body: { filename: 'big.jpg', contentType: 'image/jpeg', size: bytes.byteLength },
      }),
    );
    expect(res.status).toBe(201);
    return res.body as { photo: PhotoJson; upload: { method: string; partSize: number; partCount: number } };
  };

  /** Signs parts through the API and PUTs them to S3 as the page does; their ETags as S3 answered. */
  const sendParts = async (id: string, bytes: Uint8Array, numbers: number[]) => {
    const signed = await call(
      apiEvent('POST', `/uploads/${id}/parts`, { owner, body: { partNumbers: numbers } }),
    );
    expect(signed.status).toBe(200);
    const etags: { partNumber: number; etag: string }[] = [];
    for (const part of signed.body.parts as {
      partNumber: number;
      url: string;
      headers?: Record<string, string>;
    }[]) {
      const body = bytes.slice((part.partNumber - 1) * 5 * MiB, part.partNumber * 5 * MiB);
      const res = await fetch(part.url, { method: 'PUT', headers: { ...part.headers }, body });
      expect(res.status).toBe(200);
      etags.push({ partNumber: part.partNumber, etag: res.headers.get('etag') ?? '' });
    }
    return etags;
  };

  it('uploads in parts through presigned URLs, resumes, completes, and ends in renditions', async () => {
    const bytes = paddedJpeg(await photoJpeg({ width: 1200, height: 800 }), 7 * MiB);
    const { photo, upload } = await registerBig(bytes);
    expect(upload).toMatchObject({ method: 'MULTIPART', partSize: 5 * MiB, partCount: 2 });
    const key = `originals/${owner}/${photo.id}`;

    // Part 2 first; then a reload: the status says what is there, and only part 1 is sent.
    const second = await sendParts(photo.id, bytes, [2]);
    const resumed = await call(apiEvent('GET', `/uploads/${photo.id}`, { owner }));
    expect(resumed.status).toBe(200);
    expect(resumed.body.receivedParts).toEqual([
      { partNumber: 2, etag: second[0]?.etag, size: bytes.byteLength - 5 * MiB },
    ]);
    const parts = [...(await sendParts(photo.id, bytes, [1])), ...second];

    // A wrong ETag is named, and changes nothing.
    const wrong = await call(
      apiEvent('POST', `/uploads/${photo.id}/complete`, {
        owner,
        body: { parts: parts.map((p) => (p.partNumber === 1 ? { ...p, etag: '"0"' } : p)) },
      }),
    );
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatchObject({ code: 'upload-part-mismatch', partNumber: 1 });
    expect(await exists(key)).toBe(false);

    const done = await call(apiEvent('POST', `/uploads/${photo.id}/complete`, { owner, body: { parts } }));
    expect(done.status).toBe(202);
    expect(done.body.photo).toMatchObject({ status: 'processing', size: bytes.byteLength });
    const stored = await fetch(
      (await call(apiEvent('GET', `/photos/${photo.id}/original`, { owner }))).headers.location as string,
    );
    expect(new Uint8Array(await stored.arrayBuffer())).toEqual(bytes);
    // Until the worker accepts it, the joined original carries the pending-upload tag, as a PUT's does.
    expect(await tagsOf(key)).toEqual(['pixport-upload=pending']);

    const batch: SQSEvent = {
      Records: [
        sqsRecord(
          'm-multipart',
          objectCreated(key, bytes.byteLength, 'ObjectCreated:CompleteMultipartUpload'),
        ),
      ],
    };
    expect((await worker(batch, lambdaContext('pixport-thumbnails'))).batchItemFailures).toEqual([]);
    expect(await tagsOf(key)).toEqual([]);
    const ready = (await call(apiEvent('GET', `/photos/${photo.id}`, { owner }))).body as PhotoJson;
    expect(ready).toMatchObject({ status: 'ready', width: 1200, height: 800, contentType: 'image/jpeg' });
    expect((await listKeys(`renditions/${owner}/${photo.id}/`)).map((o) => o.key.split('/').pop())).toEqual([
      'large.webp',
      'preview.webp',
      'thumb.webp',
    ]);
    expect((await call(apiEvent('GET', `/uploads/${photo.id}`, { owner }))).body.upload).toBeUndefined();

    expect((await call(apiEvent('DELETE', `/photos/${photo.id}`, { owner }))).status).toBe(204);
    expect(await listKeys(`originals/${owner}/${photo.id}`)).toEqual([]);
  });

  it('aborts a multipart upload: its parts go, no object is made, the photo is gone', async () => {
    const bytes = paddedJpeg(await photoJpeg({ width: 64, height: 48 }), 6 * MiB + 1);
    const { photo } = await registerBig(bytes);
    await sendParts(photo.id, bytes, [1]);
    expect((await call(apiEvent('GET', `/uploads/${photo.id}`, { owner }))).body.receivedParts).toHaveLength(
      1,
    );
    expect((await call(apiEvent('DELETE', `/uploads/${photo.id}`, { owner }))).status).toBe(204);
    expect((await call(apiEvent('GET', `/uploads/${photo.id}`, { owner }))).status).toBe(404);
    expect(await listKeys(`originals/${owner}/${photo.id}`)).toEqual([]);
    // Another owner's upload is not found, and left alone.
    const other = await registerBig(bytes);
    const bob = await call(apiEvent('DELETE', `/uploads/${other.photo.id}`, { owner: 'bob' }));
    expect(bob.status).toBe(404);
    expect((await call(apiEvent('GET', `/uploads/${other.photo.id}`, { owner }))).status).toBe(200);
    expect((await call(apiEvent('DELETE', `/uploads/${other.photo.id}`, { owner }))).status).toBe(204);
  });

  it('refuses a single presigned PUT used again (If-None-Match: *): the stored original stays', async () => {
    const first = await photoJpeg({ width: 64, height: 48 });
    const res = await call(
      apiEvent('POST', '/uploads', {
        owner,
        body: { filename: 'a.jpg', contentType: 'image/jpeg', size: first.byteLength },
      }),
    );
    const target = res.body.upload as { method: 'PUT'; url: string; headers: Record<string, string> };
    expect(target.headers['If-None-Match']).toBe('*');
    expect((await sendUpload(fetch, target, first, 'image/jpeg')).status).toBe(200);
    const other = new Uint8Array(first);
    other[other.length - 3] = (other[other.length - 3] ?? 0) ^ 0xff;
    expect((await sendUpload(fetch, target, other, 'image/jpeg')).status).toBe(412);
    const key = `originals/${owner}/${res.body.photo.id}`;
    const stored = await s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: key }));
    expect(await stored.Body?.transformToByteArray()).toEqual(first);
  });
});
