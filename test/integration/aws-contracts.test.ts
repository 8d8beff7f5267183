import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { DynamoDbPhotoRepository, TTL_ATTRIBUTE } from '../../src/adapters/aws/dynamodb-photo-repository.js';
import { DynamoDbUsageLedger } from '../../src/adapters/aws/dynamodb-usage-ledger.js';
import { S3BlobStore } from '../../src/adapters/aws/s3-blob-store.js';
import { S3MultipartUploads } from '../../src/adapters/aws/s3-multipart-uploads.js';
import { PENDING_UPLOAD_TAG, S3UploadTagging } from '../../src/adapters/aws/s3-upload-tagging.js';
import { S3UrlSigner } from '../../src/adapters/aws/s3-url-signer.js';
import { SqsThumbnailQueue } from '../../src/adapters/aws/sqs-thumbnail-queue.js';
import { HmacUrlSigner } from '../../src/adapters/crypto/hmac-url-signer.js';
import { InMemoryBlobStore } from '../../src/adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../src/adapters/memory/in-memory-photo-repository.js';
import { InMemoryThumbnailQueue } from '../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { SystemClock } from '../../src/adapters/system/system-clock.js';
import type { ThumbnailJob } from '../../src/application/ports/thumbnail-queue.js';
import { AcceptUpload } from '../../src/application/use-cases/accept-upload.js';
import { defaultLimits } from '../../src/domain/limits.js';
import { Photo } from '../../src/domain/photo.js';
import { filesRoutes } from '../../src/entrypoints/http/files-routes.js';
import { blobStoreContract } from '../contract/blob-store.contract.js';
import { multipartUploadsContract } from '../contract/multipart-uploads.contract.js';
import { photoRepositoryContract } from '../contract/photo-repository.contract.js';
import { thumbnailQueueContract } from '../contract/thumbnail-queue.contract.js';
import { sendUpload, urlSignerContract } from '../contract/url-signer.contract.js';
import { usageLedgerContract } from '../contract/usage-ledger.contract.js';
import { pendingPhoto, photoIdAt, uniqueOwner } from '../support/fixtures.js';
import { ManualClock } from '../support/manual-clock.js';
import { TEST_URL_SECRET } from '../support/test-secret.js';

const aws = inject('aws');
const credentials = { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey };
// Tests name the emulators' endpoints explicitly; the Lambda handlers get them from AWS_ENDPOINT_URL_*.
const s3 = new S3Client({
  region: aws.region,
  credentials,
  endpoint: aws.s3Endpoint,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const sqs = new SQSClient({
  region: aws.region,
  credentials,
  endpoint: aws.sqsEndpoint,
  useQueueUrlAsEndpoint: false,
});
const dynamo = new DynamoDBClient({ region: aws.region, credentials, endpoint: aws.dynamodbEndpoint });
afterAll(() => {
  for (const client of [s3, sqs, dynamo]) client.destroy();
});

const expiries = { uploadExpiresInSeconds: 300, downloadExpiresInSeconds: 900 };

const readObject = async (key: string): Promise<Uint8Array | undefined> => {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: key }));
    return out.Body ? await out.Body.transformToByteArray() : new Uint8Array(0);
  } catch (error) {
    if (error instanceof Error && error.name === 'NoSuchKey') return undefined;
    throw error;
  }
};

/** Reads and deletes messages until `count` have come or 10 s have passed. */
const receiveBodies = async (queueUrl: string, count: number): Promise<unknown[]> => {
  const bodies: unknown[] = [];
  const until = Date.now() + 10_000;
  while (bodies.length < count && Date.now() < until) {
    const out = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
    );
    for (const m of out.Messages ?? []) {
      bodies.push(JSON.parse(m.Body ?? 'null'));
      await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
    }
  }
  return bodies;
};

/** A queue of its own for each test, so nothing else on the emulator is read by mistake. */
const freshQueue = async (): Promise<string> => {
  const out = await sqs.send(
    new CreateQueueCommand({ QueueName: `contract-${crypto.randomUUID().slice(0, 8)}` }),
  );
  return out.QueueUrl as string;
};

blobStoreContract('S3BlobStore (fauxqs)', () => new S3BlobStore(s3, { bucket: aws.bucket }));

photoRepositoryContract(
  'DynamoDbPhotoRepository (dynalite)',
  () => new DynamoDbPhotoRepository(dynamo, { tableName: aws.table }),
);

// dynalite runs each conditional UpdateItem atomically, as DynamoDB does: the concurrency test and
// the property race real requests. Fewer property runs than in memory: each is tens of round trips.
usageLedgerContract(
  'DynamoDbUsageLedger (dynalite)',
  () => new DynamoDbUsageLedger(dynamo, { tableName: aws.table }),
  { runs: 15 },
);

thumbnailQueueContract('SqsThumbnailQueue (fauxqs)', async () => {
  const queueUrl = await freshQueue();
  return {
    queue: new SqsThumbnailQueue(sqs, { queueUrl }),
    received: async (count) =>
      (await receiveBodies(queueUrl, count)).map((body) => {
        const { ownerId, photoId } = body as ThumbnailJob;
        return { ownerId, photoId };
      }),
  };
});

urlSignerContract('S3UrlSigner (fauxqs behind the presign gate)', async () => ({
  signer: new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, new SystemClock()),
  seed: async (key, bytes, contentType) => {
    await s3.send(
      new PutObjectCommand({ Bucket: aws.bucket, Key: key, Body: bytes, ContentType: contentType }),
    );
  },
  read: readObject,
  fetchSigned: (url, init) => fetch(url, init),
}));

describe('SqsThumbnailQueue on the wire', () => {
  it('sends a typed JSON job the worker can tell from S3 notifications', async () => {
    const queueUrl = await freshQueue();
    const job = { ownerId: uniqueOwner(), photoId: photoIdAt() };
    await new SqsThumbnailQueue(sqs, { queueUrl }).enqueue(job);
    expect(await receiveBodies(queueUrl, 1)).toEqual([{ type: 'thumbnail-job', ...job }]);
  });
});

describe('S3UrlSigner against S3 rules', () => {
  const key = () => `originals/${uniqueOwner('signer')}/${photoIdAt()}`;

  it('refuses an upload of another content type than was signed', async () => {
    const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, new SystemClock());
    const k = key();
    const target = await signer.signUpload(k, { contentType: 'image/png', size: 4 });
    const res = await fetch(target.url, {
      method: 'PUT',
      headers: { 'Content-Type': 'text/html' },
      body: new Uint8Array(4),
    });
    expect(res.status).toBe(403);
    expect(await readObject(k)).toBeUndefined();
  });

  it('refuses an upload and a download once they have expired', async () => {
    const clock = new ManualClock(Date.now() - 60 * 60 * 1000);
    const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, clock);
    const k = key();
    const target = await signer.signUpload(k, { contentType: 'image/png', size: 4 });
    expect(Date.parse(target.expiresAt)).toBeLessThan(Date.now());
    const put = await sendUpload(fetch, target, new Uint8Array(4), 'image/png');
    expect(put.status).toBe(403);
    expect(await readObject(k)).toBeUndefined();

    await s3.send(
      new PutObjectCommand({ Bucket: aws.bucket, Key: k, Body: new Uint8Array(4), ContentType: 'image/png' }),
    );
    expect((await fetch(await signer.signGet(k))).status).toBe(403);
  });

  it('signs no checksum of an empty body into the upload (S3 would answer BadDigest)', async () => {
    const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, new SystemClock());
    const target = await signer.signUpload(key(), { contentType: 'image/png', size: 4 });
    expect(new URL(target.url).searchParams.has('x-amz-checksum-crc32')).toBe(false);
    expect(new URL(target.url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(
      expect.arrayContaining(['content-length', 'content-type', 'host']),
    );
  });

  it('will not sign uploads with a client that would add an empty-body checksum', async () => {
    const careless = new S3Client({
      region: aws.region,
      credentials,
      endpoint: aws.s3Endpoint,
      forcePathStyle: true,
    });
    const signer = new S3UrlSigner(careless, { bucket: aws.bucket, ...expiries }, new SystemClock());
    await expect(signer.signUpload(key(), { contentType: 'image/png', size: 4 })).rejects.toThrow(
      /requestChecksumCalculation/,
    );
    careless.destroy();
  });

  it('signs the same GET URL for a quarter of its lifetime, and the URL works for at least three quarters', async () => {
    // The step boundary lies ahead of the clock, whatever the wall clock says: 10 s into a step.
    const stepMs = (expiries.downloadExpiresInSeconds / 4) * 1000;
    const clock = new ManualClock(Math.floor(Date.now() / stepMs) * stepMs + 10_000);
    const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, clock);
    const k = key();
    await s3.send(new PutObjectCommand({ Bucket: aws.bucket, Key: k, Body: new Uint8Array([7]) }));

    const first = await signer.signGet(k);
    clock.advance(stepMs - 20_000);
    expect(await signer.signGet(k)).toBe(first);
    expect((await fetch(first)).status).toBe(200);
    const params = new URL(first).searchParams;
    const signedAt = Date.parse(
      (params.get('X-Amz-Date') ?? '').replace(
        /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/,
        '$1-$2-$3T$4:$5:$6Z',
      ),
    );
    const endsAt = signedAt + Number(params.get('X-Amz-Expires')) * 1000;
    expect(endsAt - clock.now().getTime()).toBeGreaterThanOrEqual(expiries.downloadExpiresInSeconds * 750);

    // Other response headers are another URL; the next step signs afresh.
    const named = await signer.signGet(k, { downloadName: 'a.jpg' });
    expect(named).not.toBe(first);
    expect((await fetch(named)).status).toBe(200);
    clock.advance(20_000);
    const next = await signer.signGet(k);
    expect(next).not.toBe(first);
    expect((await fetch(next)).status).toBe(200);
  });

  it('serves an original under its display name and type', async () => {
    const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, new SystemClock());
    const k = key();
    await s3.send(
      new PutObjectCommand({
        Bucket: aws.bucket,
        Key: k,
        Body: new Uint8Array([1, 2]),
        ContentType: 'application/octet-stream',
      }),
    );
    const res = await fetch(
      await signer.signGet(k, { downloadName: 'Plage d’été (1).jpg', contentType: 'image/jpeg' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(res.headers.get('content-disposition')).toBe(
      `inline; filename="Plage d__t_ (1).jpg"; filename*=UTF-8''Plage%20d%E2%80%99%C3%A9t%C3%A9%20%281%29.jpg`,
    );
  });

  it('answers with the Content-Disposition of the /files routes, whatever the name holds', async () => {
    // A quote and an apostrophe, a backslash, non-ASCII and a semicolon: each needs
    // escaping in the ASCII fallback or in filename* (RFC 6266, RFC 5987).
    const name = `l'été "2026"; a\\b (1).jpg`;
    const k = key();
    const clock = new SystemClock();
    await new S3BlobStore(s3, { bucket: aws.bucket }).put(k, new Uint8Array([1, 2]), {
      contentType: 'image/jpeg',
    });
    const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, clock);
    const fromS3 = await fetch(await signer.signGet(k, { downloadName: name }));
    expect(fromS3.status).toBe(200);

    const blobs = new InMemoryBlobStore();
    await blobs.put(k, new Uint8Array([1, 2]), { contentType: 'image/jpeg' });
    const hmac = new HmacUrlSigner({ secret: TEST_URL_SECRET, baseUrl: '/files' }, clock);
    const acceptUpload = new AcceptUpload(
      new InMemoryPhotoRepository(),
      blobs,
      new InMemoryThumbnailQueue(),
      clock,
      defaultLimits,
    );
    const files = filesRoutes({ signer: hmac, blobs, acceptUpload });
    const fromFiles = await files.request(await hmac.signGet(k, { downloadName: name }));
    expect(fromFiles.status).toBe(200);

    expect(fromFiles.headers.get('content-disposition')).toBe(fromS3.headers.get('content-disposition'));
    expect(fromS3.headers.get('content-disposition')).toBe(
      `inline; filename="l'_t_ _2026_; a_b (1).jpg"; filename*=UTF-8''l%27%C3%A9t%C3%A9%20%222026%22%3B%20a%5Cb%20%281%29.jpg`,
    );
  });

  it('tags an upload as pending with a signed x-amz-tagging header the client must send', async () => {
    const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, new SystemClock());
    const k = key();
    const target = await signer.signUpload(k, { contentType: 'image/png', size: 4 });
    const url = new URL(target.url);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('x-amz-tagging');
    expect(url.searchParams.has('x-amz-tagging')).toBe(false);
    expect(target.headers).toEqual({
      'Content-Type': 'image/png',
      'x-amz-tagging': 'pixport-upload=pending',
      'If-None-Match': '*',
    });

    // Without the tag, or with another one, the upload does not match its signature.
    for (const tagging of [undefined, 'pixport-upload=accepted']) {
      const headers = {
        'Content-Type': 'image/png',
        'If-None-Match': '*',
        ...(tagging ? { 'x-amz-tagging': tagging } : {}),
      };
      const res = await fetch(target.url, { method: 'PUT', headers, body: new Uint8Array(4) });
      expect(res.status).toBe(403);
      expect(await readObject(k)).toBeUndefined();
    }

    expect((await sendUpload(fetch, target, new Uint8Array(4), 'image/png')).status).toBe(200);
    expect(await tagsOf(k)).toEqual([{ Key: PENDING_UPLOAD_TAG.key, Value: PENDING_UPLOAD_TAG.value }]);
  });
});

describe('S3UrlSigner: an upload URL stores one original (If-None-Match: *)', () => {
  const signer = new S3UrlSigner(s3, { bucket: aws.bucket, ...expiries }, new SystemClock());
  const key = () => `originals/${uniqueOwner('replay')}/${photoIdAt()}`;

  it('signs If-None-Match: * into the upload, so a client that leaves it out does not match', async () => {
    const k = key();
    const target = await signer.signUpload(k, { contentType: 'image/png', size: 4 });
    expect(new URL(target.url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain(
      'if-none-match',
    );
    const { 'If-None-Match': _, ...without } = target.headers ?? {};
    const res = await fetch(target.url, { method: 'PUT', headers: without, body: new Uint8Array(4) });
    expect(res.status).toBe(403);
    expect(await readObject(k)).toBeUndefined();
  });

  it('refuses the same URL used again with 412, and keeps the original it stored', async () => {
    const k = key();
    const target = await signer.signUpload(k, { contentType: 'image/png', size: 4 });
    expect((await sendUpload(fetch, target, new Uint8Array([1, 2, 3, 4]), 'image/png')).status).toBe(200);
    const replay = await sendUpload(fetch, target, new Uint8Array([9, 9, 9, 9]), 'image/png');
    expect(replay.status).toBe(412);
    expect(await replay.text()).toContain('PreconditionFailed');
    expect(await readObject(k)).toEqual(new Uint8Array([1, 2, 3, 4]));
  });
});

multipartUploadsContract('S3MultipartUploads (fauxqs behind the presign gate)', async () => ({
  uploads: new S3MultipartUploads(s3, { bucket: aws.bucket, partExpiresInSeconds: 300 }, new SystemClock()),
  send: (part, body) =>
    fetch(part.url, { method: 'PUT', headers: { ...part.headers }, body: body as Uint8Array<ArrayBuffer> }),
  read: readObject,
  key: async () => `originals/${uniqueOwner('multipart')}/${photoIdAt()}`,
  partSize: 5 * 1024 * 1024,
}));

describe('S3MultipartUploads against S3 rules', () => {
  const uploads = new S3MultipartUploads(
    s3,
    { bucket: aws.bucket, partExpiresInSeconds: 300 },
    new SystemClock(),
  );

  it('tags the joined original as a pending upload, as the single PUT does', async () => {
    const k = `originals/${uniqueOwner('multipart')}/${photoIdAt()}`;
    const id = await uploads.create(k, { contentType: 'image/jpeg' });
    const part = await uploads.signPart(k, id, 1, 100);
    expect(new URL(part.url).searchParams.get('X-Amz-SignedHeaders')?.split(';')).toContain('content-length');
    expect(new URL(part.url).searchParams.has('x-amz-checksum-crc32')).toBe(false);
    const res = await fetch(part.url, { method: 'PUT', body: new Uint8Array(100) });
    await uploads.complete(k, id, [{ partNumber: 1, etag: res.headers.get('etag') ?? '' }]);
    expect(await tagsOf(k)).toEqual([{ Key: PENDING_UPLOAD_TAG.key, Value: PENDING_UPLOAD_TAG.value }]);
    const head = await s3.send(new GetObjectCommand({ Bucket: aws.bucket, Key: k }));
    expect(head.ContentType).toBe('image/jpeg');
  });

  it('will not sign parts with a client that would add an empty-body checksum', async () => {
    const careless = new S3Client({
      region: aws.region,
      credentials,
      endpoint: aws.s3Endpoint,
      forcePathStyle: true,
    });
    const signing = new S3MultipartUploads(
      careless,
      { bucket: aws.bucket, partExpiresInSeconds: 300 },
      new SystemClock(),
    );
    await expect(signing.signPart('originals/a/b', 'id', 1, 4)).rejects.toThrow(/requestChecksumCalculation/);
    careless.destroy();
  });
});

describe('DynamoDbPhotoRepository and the table TTL', () => {
  const repo = new DynamoDbPhotoRepository(dynamo, { tableName: aws.table });
  const ttlOf = async (photo: Photo) => {
    const out = await dynamo.send(
      new GetItemCommand({
        TableName: aws.table,
        Key: { pk: { S: `OWNER#${photo.ownerId}` }, sk: { S: `PHOTO#${photo.id}` } },
        ConsistentRead: true,
      }),
    );
    return out.Item?.[TTL_ATTRIBUTE]?.N;
  };

  it('sets the TTL to the purge time while the photo is pending, and removes it once the bytes land', async () => {
    const pending = pendingPhoto(uniqueOwner('ttl'));
    const photo: Photo = {
      ...pending,
      upload: { expiresAt: '2026-03-01T12:15:00.000Z', purgeAt: '2026-03-15T12:15:00.500Z' },
    };
    await repo.save(photo);
    expect(await ttlOf(photo)).toBe(String(Math.floor(Date.parse('2026-03-15T12:15:00Z') / 1000)));
    const landed = Photo.startProcessing(photo, 1234, new Date());
    await repo.save(landed);
    expect(await ttlOf(photo)).toBeUndefined();
    expect(await repo.get(photo.ownerId, photo.id)).toEqual(landed);
  });
});

describe('object tagging (S3, or the gate in front of fauxqs)', () => {
  const key = () => `originals/${uniqueOwner('tags')}/${photoIdAt()}`;
  const tagging = new S3UploadTagging(s3, { bucket: aws.bucket });
  const put = (k: string, tagging?: string) =>
    s3.send(
      new PutObjectCommand({
        Bucket: aws.bucket,
        Key: k,
        Body: new Uint8Array([1, 2, 3]),
        ContentType: 'image/png',
        ...(tagging ? { Tagging: tagging } : {}),
      }),
    );

  it('keeps an accepted original: its tags go, its bytes stay', async () => {
    const k = key();
    await put(k, 'pixport-upload=pending');
    expect(await tagsOf(k)).toEqual([{ Key: 'pixport-upload', Value: 'pending' }]);
    await tagging.keepOriginal(k);
    expect(await tagsOf(k)).toEqual([]);
    expect(await readObject(k)).toEqual(new Uint8Array([1, 2, 3]));
  });

  it('is harmless on an untagged object (a direct upload) and on a missing one', async () => {
    const k = key();
    await new S3BlobStore(s3, { bucket: aws.bucket }).put(k, new Uint8Array([1, 2, 3]), {
      contentType: 'image/png',
    });
    await tagging.keepOriginal(k);
    expect(await tagsOf(k)).toEqual([]);
    expect(await readObject(k)).toEqual(new Uint8Array([1, 2, 3]));
    await expect(tagging.keepOriginal(key())).resolves.toBeUndefined();
  });

  it('replaces tags with PutObjectTagging, and forgets them when the object is overwritten or deleted', async () => {
    const k = key();
    await put(k, 'pixport-upload=pending');
    await s3.send(
      new PutObjectTaggingCommand({
        Bucket: aws.bucket,
        Key: k,
        Tagging: { TagSet: [{ Key: 'a', Value: 'x & <y>' }] },
      }),
    );
    expect(await tagsOf(k)).toEqual([{ Key: 'a', Value: 'x & <y>' }]);
    expect(await readObject(k)).toEqual(new Uint8Array([1, 2, 3]));
    await put(k);
    expect(await tagsOf(k)).toEqual([]);
    await put(k, 'pixport-upload=pending');
    await s3.send(new DeleteObjectCommand({ Bucket: aws.bucket, Key: k }));
    await expect(tagsOf(k)).rejects.toMatchObject({ name: 'NoSuchKey' });
  });
});

async function tagsOf(k: string) {
  const out = await s3.send(new GetObjectTaggingCommand({ Bucket: aws.bucket, Key: k }));
  return (out.TagSet ?? []).map(({ Key, Value }) => ({ Key, Value }));
}
