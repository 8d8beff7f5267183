import { describe, expect, it } from 'vitest';
import { MiB } from '../../../src/domain/byte-size.js';
import {
  FileTooLargeError,
  InvalidInputError,
  UnsupportedMediaTypeError,
} from '../../../src/domain/errors.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { expectErr, expectOk } from '../../support/results.js';
import { useCaseWorld } from '../../support/use-case-world.js';

const valid = { filename: 'beach.jpg', contentType: 'image/jpeg', size: 2 * MiB };

describe('RegisterUpload', () => {
  it('records a pending photo and returns a signed PUT for exactly the declared bytes', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const { photo, upload } = expectOk(await world.registerUpload.execute({ ownerId: owner, ...valid }));

    expect(photo).toMatchObject({
      ownerId: owner,
      filename: 'beach.jpg',
      contentType: 'image/jpeg',
      size: 2 * MiB,
      status: 'pending',
      renditions: [],
      version: 1,
      createdAt: world.clock.now().toISOString(),
    });
    expect(await world.photos.get(owner, photo.id)).toEqual(photo);

    if (upload.method !== 'PUT') throw new Error(`expected a PUT, got ${upload.method}`);
    expect(upload.headers).toEqual({ 'Content-Type': 'image/jpeg' });
    expect(Date.parse(upload.expiresAt)).toBeGreaterThan(world.clock.now().getTime());
    const url = new URL(upload.url, 'http://x');
    expect(url.pathname).toBe(
      `/files/${StorageKeys.original(owner, photo.id).split('/').map(encodeURIComponent).join('/')}`,
    );
    const grant = expectOk(
      await world.signer.verify('PUT', StorageKeys.original(owner, photo.id), url.searchParams),
    );
    expect(grant).toEqual({
      method: 'PUT',
      key: StorageKeys.original(owner, photo.id),
      contentType: 'image/jpeg',
      size: 2 * MiB,
    });
  });

  it('normalises the declared type and trims the display name', async () => {
    const world = useCaseWorld();
    const { photo } = expectOk(
      await world.registerUpload.execute({
        ownerId: uniqueOwner(),
        filename: '  cat.png ',
        contentType: 'IMAGE/PNG; charset=binary',
        size: 10,
      }),
    );
    expect(photo.contentType).toBe('image/png');
    expect(photo.filename).toBe('cat.png');
  });

  it('gives each registration its own id, newer ones sorting later', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const a = expectOk(await world.registerUpload.execute({ ownerId: owner, ...valid })).photo;
    const b = expectOk(await world.registerUpload.execute({ ownerId: owner, ...valid })).photo;
    expect(b.id > a.id).toBe(true);
  });

  it('accepts a size of exactly the limit', async () => {
    const world = useCaseWorld({ limits: { maxOriginalBytes: 1000 } });
    expectOk(await world.registerUpload.execute({ ownerId: uniqueOwner(), ...valid, size: 1000 }));
  });

  const badNames: [string, string][] = [
    ['empty', ''],
    ['blank', '   '],
    ['longer than 255 characters', `${'a'.repeat(252)}.jpg`],
    ['a control character', 'be\u0000ach.jpg'],
    ['a newline', 'beach\n.jpg'],
    ['DEL', 'beach\u007f.jpg'],
    ['a slash', '../etc/passwd'],
    ['a backslash', 'C:\\photos\\beach.jpg'],
  ];

  it.each(badNames)('rejects a filename that is %s, and saves nothing', async (_why, filename) => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const error = expectErr(
      await world.registerUpload.execute({ ownerId: owner, ...valid, filename }),
      InvalidInputError,
    );
    expect(error.field).toBe('filename');
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
  });

  it.each(['image/heic', 'image/heif', 'IMAGE/HEIC'])(
    'accepts the declared type %j, as phones declare their photos',
    async (contentType) => {
      const world = useCaseWorld();
      const { photo } = expectOk(
        await world.registerUpload.execute({
          ownerId: uniqueOwner(),
          ...valid,
          filename: 'IMG_0001.HEIC',
          contentType,
        }),
      );
      expect(photo).toMatchObject({ status: 'pending', contentType: contentType.toLowerCase() });
    },
  );

  it.each([
    '',
    'image/svg+xml',
    'text/html',
    'image/heic-sequence',
    'application/octet-stream',
    'image/jpegx',
  ])('rejects the declared type %j as unsupported, and saves nothing', async (contentType) => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    expectErr(
      await world.registerUpload.execute({ ownerId: owner, ...valid, contentType }),
      UnsupportedMediaTypeError,
    );
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'rejects a size of %d as invalid input on `size`, and saves nothing',
    async (size) => {
      const world = useCaseWorld();
      const owner = uniqueOwner();
      const error = expectErr(
        await world.registerUpload.execute({ ownerId: owner, ...valid, size }),
        InvalidInputError,
      );
      expect(error.field).toBe('size');
      expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
    },
  );

  it("takes a video up to the video limit, by parts over the threshold, as an item of kind 'video'", async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const size = world.limits.video.maxBytes;
    const { photo, upload } = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'clip.mov',
        contentType: 'video/quicktime',
        size,
      }),
    );
    expect(photo).toMatchObject({ kind: 'video', contentType: 'video/quicktime', size, status: 'pending' });
    expect(upload).toMatchObject({ method: 'MULTIPART', partSize: 8 * MiB, partCount: 256 });
    const small = expectOk(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'c.webm',
        contentType: 'video/webm',
        size: MiB,
      }),
    );
    expect(small.upload).toMatchObject({ method: 'PUT', headers: { 'Content-Type': 'video/webm' } });
  });

  it("refuses a video over the video limit, and a photo over the photo limit that a video's would take", async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const over = world.limits.video.maxBytes + 1;
    expect(
      expectErr(
        await world.registerUpload.execute({
          ownerId: owner,
          filename: 'v.mp4',
          contentType: 'video/mp4',
          size: over,
        }),
        FileTooLargeError,
      ),
    ).toMatchObject({ limit: world.limits.video.maxBytes });
    expectErr(
      await world.registerUpload.execute({
        ownerId: owner,
        ...valid,
        size: world.limits.maxOriginalBytes + 1,
      }),
      FileTooLargeError,
    );
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
  });

  it('refuses every video, saying why, where the deployment takes none (the Worker), and counts nothing', async () => {
    const world = useCaseWorld({ videoRefusal: 'videos are not supported here yet' });
    const owner = uniqueOwner();
    const error = expectErr(
      await world.registerUpload.execute({
        ownerId: owner,
        filename: 'v.mp4',
        contentType: 'video/mp4',
        size: 10,
      }),
      UnsupportedMediaTypeError,
    );
    expect(error.message).toBe('videos are not supported here yet');
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
    expect(await world.usage.get(owner)).toMatchObject({ photos: 0, bytes: 0 });
    expectOk(await world.registerUpload.execute({ ownerId: owner, ...valid }));
  });

  it('refuses AVI and other video types by their declared type', async () => {
    const world = useCaseWorld();
    for (const contentType of ['video/x-msvideo', 'video/avi', 'video/mp2t']) {
      const error = expectErr(
        await world.registerUpload.execute({ ownerId: uniqueOwner(), filename: 'v', contentType, size: 10 }),
        UnsupportedMediaTypeError,
      );
      expect(error.message).toMatch(
        /is not an accepted image or video type; send one of image\/jpeg, .*video\/mp4/,
      );
    }
  });

  it('rejects a declared size over maxOriginalBytes, and saves nothing', async () => {
    const world = useCaseWorld({ limits: { maxOriginalBytes: 1000 } });
    const owner = uniqueOwner();
    const error = expectErr(
      await world.registerUpload.execute({ ownerId: owner, ...valid, size: 1001 }),
      FileTooLargeError,
    );
    expect(error).toMatchObject({ code: 'file-too-large', size: 1001, limit: 1000 });
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
  });
});
