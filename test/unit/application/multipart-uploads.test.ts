import { describe, expect, it } from 'vitest';
import { CompleteUpload } from '../../../src/application/use-cases/complete-upload.js';
import {
  FileTooLargeError,
  InvalidInputError,
  NotMultipartUploadError,
  PhotoNotFoundError,
  UploadAlreadyReceivedError,
  UploadExpiredError,
  UploadPartMismatchError,
  UploadPartMissingError,
} from '../../../src/domain/errors.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { patternBytes, uniqueOwner } from '../../support/fixtures.js';
import { expectErr, expectOk } from '../../support/results.js';
import { uploadWorld } from './upload-world.js';

const TTL_MS = 900_000;

describe('RegisterUpload over the multipart threshold', () => {
  it('starts a multipart upload in storage and records its id, parts and expiry on the pending photo', async () => {
    const world = uploadWorld();
    const owner = uniqueOwner();
    const now = world.clock.now().getTime();
    const { photo, upload } = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'a.jpg',
        contentType: 'image/jpeg',
        size: 1001,
      }),
    );
    const expiresAt = new Date(now + TTL_MS).toISOString();
    expect(upload).toEqual({ method: 'MULTIPART', partSize: 400, partCount: 3, expiresAt });
    expect(photo.upload).toEqual({
      expiresAt,
      purgeAt: new Date(now + TTL_MS + 3600_000).toISOString(),
      multipart: { uploadId: expect.any(String), partSize: 400, partCount: 3 },
    });
    expect(world.multipart.openUploads()).toEqual([photo.upload?.multipart?.uploadId]);
    expect(await world.photos.get(owner, photo.id)).toEqual(photo);
  });

  it('keeps one signed PUT at the threshold, recording when it expires', async () => {
    const world = uploadWorld();
    const { photo, upload } = expectOk(
      await world.registerUpload.execute({
        ownerId: uniqueOwner(),
        filename: 'a.jpg',
        contentType: 'image/jpeg',
        size: 1000,
      }),
    );
    expect(upload.method).toBe('PUT');
    expect(photo.upload).toEqual({
      expiresAt: upload.expiresAt,
      purgeAt: new Date(Date.parse(upload.expiresAt) + 3600_000).toISOString(),
    });
    expect(world.multipart.openUploads()).toEqual([]);
  });

  it('keeps one request for a direct upload, whatever its size', async () => {
    const world = uploadWorld();
    const { upload } = expectOk(
      await world.registerUpload.execute({
        ownerId: uniqueOwner(),
        filename: 'a.jpg',
        contentType: 'image/jpeg',
        size: 5000,
        multipart: false,
      }),
    );
    expect(upload.method).toBe('PUT');
  });

  it('holds multipart uploads to the photo limit too', async () => {
    const world = uploadWorld({ maxOriginalBytes: 2000 });
    const result = await world.registerUpload.execute({
      ownerId: uniqueOwner(),
      filename: 'a.jpg',
      contentType: 'image/jpeg',
      size: 2001,
    });
    expect(expectErr(result, FileTooLargeError)).toMatchObject({ code: 'file-too-large', limit: 2000 });
    expect(world.multipart.openUploads()).toEqual([]);
  });
});

describe('SignUploadParts', () => {
  it('signs a URL per part asked, each bound to its exact size, the last one the rest', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    const { parts, expiresAt } = expectOk(
      await world.signUploadParts.execute({ ownerId: photo.ownerId, photoId: photo.id, partNumbers: [3, 1] }),
    );
    expect(parts.map((p) => p.partNumber)).toEqual([3, 1]);
    expect(expiresAt).toBe(parts[0]?.expiresAt);
    const key = StorageKeys.original(photo.ownerId, photo.id);
    const sizes = [];
    for (const part of parts) {
      const url = new URL(part.url, 'http://x');
      expect(url.pathname).toMatch(new RegExp(`/parts/${part.partNumber}$`));
      const grant = expectOk(await world.signer.verifyPart(key, part.partNumber, url.searchParams));
      expect(grant.uploadId).toBe(photo.upload?.multipart?.uploadId);
      sizes.push(grant.size);
    }
    expect(sizes).toEqual([201, 400]);
  });

  it('moves the upload’s expiry (and purge time) forward: a resumed upload stays', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    world.clock.advance(20 * 60_000);
    expectOk(
      await world.signUploadParts.execute({ ownerId: photo.ownerId, photoId: photo.id, partNumbers: [2] }),
    );
    const stored = await world.photos.get(photo.ownerId, photo.id);
    const until = world.clock.now().getTime() + TTL_MS;
    expect(stored?.upload?.expiresAt).toBe(new Date(until).toISOString());
    expect(stored?.upload?.purgeAt).toBe(new Date(until + 3600_000).toISOString());
    expect(stored?.upload?.multipart).toEqual(photo.upload?.multipart);
    expect(stored?.version).toBe(photo.version + 1);
  });

  it('answers another owner’s upload as not found', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    expectErr(
      await world.signUploadParts.execute({
        ownerId: uniqueOwner('other'),
        photoId: photo.id,
        partNumbers: [1],
      }),
      PhotoNotFoundError,
    );
  });

  it.each([[[0]], [[4]], [[1, 1]], [Array.from({ length: 101 }, () => 1)]])(
    'refuses the part numbers %j of a 3-part upload as invalid input on partNumbers',
    async (partNumbers) => {
      const world = uploadWorld();
      const photo = await world.register(uniqueOwner(), 1001);
      const error = expectErr(
        await world.signUploadParts.execute({ ownerId: photo.ownerId, photoId: photo.id, partNumbers }),
        InvalidInputError,
      );
      expect(error.field).toBe('partNumbers');
    },
  );

  it('refuses an upload in one request, and one whose bytes have landed', async () => {
    const world = uploadWorld();
    const single = await world.register(uniqueOwner(), 10);
    expectErr(
      await world.signUploadParts.execute({ ownerId: single.ownerId, photoId: single.id, partNumbers: [1] }),
      NotMultipartUploadError,
    );
    const photo = await world.register(uniqueOwner(), 1001);
    expectOk(
      await world.completeUpload.execute({
        ownerId: photo.ownerId,
        photoId: photo.id,
        parts: await world.putAllParts(photo),
      }),
    );
    expectErr(
      await world.signUploadParts.execute({ ownerId: photo.ownerId, photoId: photo.id, partNumbers: [1] }),
      UploadAlreadyReceivedError,
    );
  });
});

describe('GetUpload', () => {
  it('reports the parts received so far, and moves the expiry forward', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    const etag = await world.putPart(photo, 2, patternBytes(400));
    world.clock.advance(60_000);
    const status = expectOk(await world.getUpload.execute({ ownerId: photo.ownerId, photoId: photo.id }));
    const expiresAt = new Date(world.clock.now().getTime() + TTL_MS).toISOString();
    expect(status.receivedParts).toEqual([{ partNumber: 2, etag, size: 400 }]);
    expect(status.upload).toEqual({ method: 'MULTIPART', partSize: 400, partCount: 3, expiresAt });
    expect(status.photo.upload?.expiresAt).toBe(expiresAt);
    expect((await world.photos.get(photo.ownerId, photo.id))?.upload?.expiresAt).toBe(expiresAt);
  });

  it('hands a pending upload in one request a fresh target, and a landed one no upload at all', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 10);
    const status = expectOk(await world.getUpload.execute({ ownerId: photo.ownerId, photoId: photo.id }));
    expect(status.upload?.method).toBe('PUT');
    expect(status.receivedParts).toEqual([]);

    const big = await world.register(photo.ownerId, 1001);
    const parts = await world.putAllParts(big);
    expectOk(await world.completeUpload.execute({ ownerId: big.ownerId, photoId: big.id, parts }));
    const done = expectOk(await world.getUpload.execute({ ownerId: big.ownerId, photoId: big.id }));
    expect(done).toEqual({ photo: expect.objectContaining({ status: 'processing' }), receivedParts: [] });
  });

  it('calls an upload storage no longer has expired, and another owner’s not found', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    expectErr(
      await world.getUpload.execute({ ownerId: uniqueOwner(), photoId: photo.id }),
      PhotoNotFoundError,
    );
    await world.multipart.abort(
      StorageKeys.original(photo.ownerId, photo.id),
      photo.upload?.multipart?.uploadId ?? '',
    );
    expectErr(
      await world.getUpload.execute({ ownerId: photo.ownerId, photoId: photo.id }),
      UploadExpiredError,
    );
  });
});

describe('CompleteUpload', () => {
  it('joins the parts into the original, then accepts it as any upload: processing, with a job queued', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    const parts = await world.putAllParts(photo);
    const done = expectOk(
      await world.completeUpload.execute({
        ownerId: photo.ownerId,
        photoId: photo.id,
        parts: [...parts].reverse(),
      }),
    );
    expect(done).toMatchObject({ status: 'processing', size: 1001 });
    expect('upload' in done).toBe(false);
    const original = await world.blobs.get(StorageKeys.original(photo.ownerId, photo.id));
    expect(original?.bytes).toEqual(
      new Uint8Array([...patternBytes(400, 1), ...patternBytes(400, 2), ...patternBytes(201, 3)]),
    );
    expect(original?.contentType).toBe('image/jpeg');
    expect(world.queue.waiting).toEqual([{ ownerId: photo.ownerId, photoId: photo.id }]);
    expect(world.multipart.openUploads()).toEqual([]);

    // Completing again (the first answer lost) answers with the photo as it stands.
    expect(
      expectOk(await world.completeUpload.execute({ ownerId: photo.ownerId, photoId: photo.id, parts })),
    ).toEqual(done);
    expect(world.queue.waiting).toHaveLength(1);
  });

  it('names a part not received, changes nothing, and completes once it is sent', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    const parts = await world.putAllParts(photo);
    // Another upload, whose second part never arrives.
    const other = await world.register(photo.ownerId, 1001);
    const first = await world.putPart(other, 1, patternBytes(400, 1));
    const third = await world.putPart(other, 3, patternBytes(201, 3));
    const listed = [
      { partNumber: 1, etag: first },
      { partNumber: 2, etag: parts[1]?.etag as string },
      { partNumber: 3, etag: third },
    ];
    const error = expectErr(
      await world.completeUpload.execute({ ownerId: other.ownerId, photoId: other.id, parts: listed }),
      UploadPartMissingError,
    );
    expect(error.partNumber).toBe(2);
    expect((await world.photos.get(other.ownerId, other.id))?.status).toBe('pending');
    expect(await world.blobs.head(StorageKeys.original(other.ownerId, other.id))).toBeUndefined();

    const second = await world.putPart(other, 2, patternBytes(400, 2));
    const done = await world.completeUpload.execute({
      ownerId: other.ownerId,
      photoId: other.id,
      parts: listed.map((p) => (p.partNumber === 2 ? { ...p, etag: second } : p)),
    });
    expect(expectOk(done).status).toBe('processing');
  });

  it('names a part listed with another ETag, and one left out of the list', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    const parts = await world.putAllParts(photo);
    const wrong = parts.map((p) => (p.partNumber === 3 ? { ...p, etag: '"not-it"' } : p));
    const mismatch = expectErr(
      await world.completeUpload.execute({ ownerId: photo.ownerId, photoId: photo.id, parts: wrong }),
      UploadPartMismatchError,
    );
    expect(mismatch.partNumber).toBe(3);
    const missing = expectErr(
      await world.completeUpload.execute({
        ownerId: photo.ownerId,
        photoId: photo.id,
        parts: parts.slice(1),
      }),
      UploadPartMissingError,
    );
    expect(missing.partNumber).toBe(1);
    expect(world.multipart.openUploads()).toHaveLength(1);
  });

  it('holds the declared size across all parts: a part of another size is named', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    const parts = await world.putAllParts(photo);
    // Straight into the store, past the part route that bounds each part to its size.
    const short = await world.putPart(photo, 2, patternBytes(399));
    const error = expectErr(
      await world.completeUpload.execute({
        ownerId: photo.ownerId,
        photoId: photo.id,
        parts: parts.map((p) => (p.partNumber === 2 ? { ...p, etag: short } : p)),
      }),
      UploadPartMismatchError,
    );
    expect(error).toMatchObject({ partNumber: 2 });
    expect(error.message).toMatch(/399 bytes where 400 belong/);
  });

  it('queues no job where storage announces the original itself (S3)', async () => {
    const world = uploadWorld();
    const announced = new CompleteUpload(world.photos, world.multipart, world.acceptUpload, true);
    const photo = await world.register(uniqueOwner(), 1001);
    const parts = await world.putAllParts(photo);
    expect(
      expectOk(await announced.execute({ ownerId: photo.ownerId, photoId: photo.id, parts })).status,
    ).toBe('processing');
    expect(world.queue.waiting).toEqual([]);
  });

  it('answers another owner’s upload as not found, one in one request as not multipart', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    const parts = [{ partNumber: 1, etag: '"x"' }];
    expectErr(
      await world.completeUpload.execute({ ownerId: uniqueOwner(), photoId: photo.id, parts }),
      PhotoNotFoundError,
    );
    const single = await world.register(photo.ownerId, 10);
    expectErr(
      await world.completeUpload.execute({ ownerId: single.ownerId, photoId: single.id, parts }),
      NotMultipartUploadError,
    );
  });
});

describe('AbortUpload', () => {
  it('aborts the upload, drops its parts and the photo: nothing is left', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    await world.putPart(photo, 1, patternBytes(400));
    expectOk(await world.abortUpload.execute({ ownerId: photo.ownerId, photoId: photo.id }));
    expect(world.multipart.openUploads()).toEqual([]);
    expect(world.blobs.keys()).toEqual([]);
    expect(await world.photos.get(photo.ownerId, photo.id)).toBeUndefined();
    expectErr(
      await world.abortUpload.execute({ ownerId: photo.ownerId, photoId: photo.id }),
      PhotoNotFoundError,
    );
  });

  it('deletes an original that landed but was not accepted yet', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 10);
    await world.blobs.put(StorageKeys.original(photo.ownerId, photo.id), patternBytes(10), {
      contentType: 'image/jpeg',
    });
    expectOk(await world.abortUpload.execute({ ownerId: photo.ownerId, photoId: photo.id }));
    expect(world.blobs.keys()).toEqual([]);
  });

  it('leaves another owner’s upload alone, and a completed one to DELETE /photos', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    expectErr(
      await world.abortUpload.execute({ ownerId: uniqueOwner(), photoId: photo.id }),
      PhotoNotFoundError,
    );
    expect(world.multipart.openUploads()).toHaveLength(1);
    const parts = await world.putAllParts(photo);
    expectOk(await world.completeUpload.execute({ ownerId: photo.ownerId, photoId: photo.id, parts }));
    expectErr(
      await world.abortUpload.execute({ ownerId: photo.ownerId, photoId: photo.id }),
      UploadAlreadyReceivedError,
    );
    expect((await world.photos.get(photo.ownerId, photo.id))?.status).toBe('processing');
  });
});

describe('DeletePhoto of a pending multipart upload', () => {
  it('aborts the upload too', async () => {
    const world = uploadWorld();
    const photo = await world.register(uniqueOwner(), 1001);
    await world.putPart(photo, 1, patternBytes(400));
    expectOk(await world.deletePhoto.execute({ ownerId: photo.ownerId, photoId: photo.id }));
    expect(world.multipart.openUploads()).toEqual([]);
  });
});
