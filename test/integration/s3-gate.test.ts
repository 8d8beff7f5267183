import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { patternBytes, photoIdAt, uniqueOwner } from '../support/fixtures.js';

/**
 * The S3 gate in front of fauxqs (test/support/emulators.ts) fills what the
 * emulator leaves out of S3 and Pixport relies on. These tests hold it to S3's
 * documented behaviour, through the SDK, so the adapter tests that depend on
 * it test against S3's rules rather than the gate's mistakes: ListParts (and
 * the tags of a multipart upload), and conditional writes (If-None-Match: *).
 */

const aws = inject('aws');
const s3 = new S3Client({
  region: aws.region,
  credentials: { accessKeyId: aws.accessKeyId, secretAccessKey: aws.secretAccessKey },
  endpoint: aws.s3Endpoint,
  forcePathStyle: true,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
afterAll(() => s3.destroy());

const Bucket = aws.bucket;
const newKey = () => `originals/${uniqueOwner('gate')}/${photoIdAt()}`;

const create = async (Key: string, Tagging?: string) =>
  (await s3.send(new CreateMultipartUploadCommand({ Bucket, Key, ...(Tagging ? { Tagging } : {}) })))
    .UploadId as string;

const uploadPart = async (Key: string, UploadId: string, PartNumber: number, body: Uint8Array) =>
  (await s3.send(new UploadPartCommand({ Bucket, Key, UploadId, PartNumber, Body: body }))).ETag as string;

const listParts = (
  Key: string,
  UploadId: string,
  more: { MaxParts?: number; PartNumberMarker?: string } = {},
) => s3.send(new ListPartsCommand({ Bucket, Key, UploadId, ...more }));

const read = async (Key: string) => {
  const out = await s3.send(new GetObjectCommand({ Bucket, Key }));
  return out.Body?.transformToByteArray();
};

describe('the S3 gate: ListParts, which fauxqs does not implement', () => {
  it('lists the parts of an upload by number, with the ETag and size each UploadPart answered', async () => {
    const Key = newKey();
    const id = await create(Key);
    expect((await listParts(Key, id)).Parts ?? []).toEqual([]);
    const second = await uploadPart(Key, id, 2, patternBytes(300, 2));
    const first = await uploadPart(Key, id, 1, patternBytes(100, 1));
    expect(first).toMatch(/^"[0-9a-f]{32}"$/);

    const listed = await listParts(Key, id);
    expect(listed.UploadId).toBe(id);
    expect(listed.Key).toBe(Key);
    expect(listed.IsTruncated).toBe(false);
    expect(listed.Parts?.map((p) => [p.PartNumber, p.ETag, p.Size])).toEqual([
      [1, first, 100],
      [2, second, 300],
    ]);
    expect(listed.Parts?.every((p) => p.LastModified instanceof Date)).toBe(true);

    // A part sent again replaces the one before.
    const again = await uploadPart(Key, id, 1, patternBytes(120, 9));
    expect((await listParts(Key, id)).Parts?.[0]).toMatchObject({ PartNumber: 1, ETag: again, Size: 120 });
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: id }));
  });

  it('pages with MaxParts and PartNumberMarker', async () => {
    const Key = newKey();
    const id = await create(Key);
    for (const n of [1, 2, 3]) await uploadPart(Key, id, n, patternBytes(10, n));
    const page = await listParts(Key, id, { MaxParts: 2 });
    expect(page.Parts?.map((p) => p.PartNumber)).toEqual([1, 2]);
    expect(page.IsTruncated).toBe(true);
    expect(page.NextPartNumberMarker).toBe('2');
    const rest = await listParts(Key, id, { PartNumberMarker: page.NextPartNumberMarker as string });
    expect(rest.Parts?.map((p) => p.PartNumber)).toEqual([3]);
    expect(rest.IsTruncated).toBe(false);
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: id }));
  });

  it('answers NoSuchUpload for an unknown id, another key, a completed and an aborted upload', async () => {
    const Key = newKey();
    await expect(listParts(Key, 'no-such-upload')).rejects.toMatchObject({ name: 'NoSuchUpload' });

    const completed = await create(Key);
    await expect(listParts(newKey(), completed)).rejects.toMatchObject({ name: 'NoSuchUpload' });
    const ETag = await uploadPart(Key, completed, 1, patternBytes(50));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId: completed,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
      }),
    );
    expect(await read(Key)).toEqual(patternBytes(50));
    await expect(listParts(Key, completed)).rejects.toMatchObject({ name: 'NoSuchUpload' });

    const abortedKey = newKey();
    const aborted = await create(abortedKey);
    await uploadPart(abortedKey, aborted, 1, patternBytes(50));
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key: abortedKey, UploadId: aborted }));
    await expect(listParts(abortedKey, aborted)).rejects.toMatchObject({ name: 'NoSuchUpload' });
  });

  it('gives the joined object the tags its upload was created with', async () => {
    const Key = newKey();
    const id = await create(Key, 'pixport-upload=pending');
    const ETag = await uploadPart(Key, id, 1, patternBytes(10));
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket,
        Key,
        UploadId: id,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
      }),
    );
    const tags = await s3.send(new GetObjectTaggingCommand({ Bucket, Key }));
    expect(tags.TagSet?.map((t) => `${t.Key}=${t.Value}`)).toEqual(['pixport-upload=pending']);
  });
});

describe('the S3 gate: conditional writes (If-None-Match: *), which fauxqs ignores', () => {
  it('writes a PUT only where no object is, answering 412 PreconditionFailed otherwise', async () => {
    const Key = newKey();
    const put = (body: Uint8Array, IfNoneMatch?: string) =>
      s3.send(new PutObjectCommand({ Bucket, Key, Body: body, ...(IfNoneMatch ? { IfNoneMatch } : {}) }));
    await put(patternBytes(4, 1), '*');
    await expect(put(patternBytes(4, 2), '*')).rejects.toMatchObject({
      name: 'PreconditionFailed',
      $metadata: { httpStatusCode: 412 },
    });
    expect(await read(Key)).toEqual(patternBytes(4, 1));
    // Without the condition a PUT replaces the object, as on S3.
    await put(patternBytes(4, 3));
    expect(await read(Key)).toEqual(patternBytes(4, 3));
  });

  it('completes a multipart upload with the condition only where no object is', async () => {
    const Key = newKey();
    await s3.send(new PutObjectCommand({ Bucket, Key, Body: patternBytes(4) }));
    const id = await create(Key);
    const ETag = await uploadPart(Key, id, 1, patternBytes(10));
    await expect(
      s3.send(
        new CompleteMultipartUploadCommand({
          Bucket,
          Key,
          UploadId: id,
          IfNoneMatch: '*',
          MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
        }),
      ),
    ).rejects.toMatchObject({ $metadata: { httpStatusCode: 412 } });
    expect(await read(Key)).toEqual(patternBytes(4));
    // The upload is still open, as S3 leaves it.
    expect((await listParts(Key, id)).Parts).toHaveLength(1);
    await s3.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId: id }));
  });
});
