import { describe, expect, it } from 'vitest';
import { UploadPhoto } from '../../../src/application/use-cases/upload-photo.js';
import {
  FileTooLargeError,
  InvalidInputError,
  UnsupportedMediaTypeError,
} from '../../../src/domain/errors.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { expectErr, expectOk } from '../../support/results.js';
import { useCaseWorld } from '../../support/use-case-world.js';

const text = (s: string) => new TextEncoder().encode(s);
const withTail = (head: readonly number[], length = 64) => {
  const bytes = new Uint8Array(length).fill(0x2a);
  bytes.set(head);
  return bytes;
};

const PNG = withTail([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG = withTail([0xff, 0xd8, 0xff, 0xe0]);
// An ISO-BMFF `ftyp` box with the HEIC major brand, as an iPhone writes it.
const HEIC = withTail([0, 0, 0, 0x18, ...text('ftypheic'), 0, 0, 0, 0, ...text('mif1heic')]);
// An ISO-BMFF file that is no image: a QuickTime movie, taken as a video.
const MOV = withTail([0, 0, 0, 0x14, ...text('ftypqt  '), 0, 0, 0, 0, ...text('qt  ')]);
// Neither an image nor an accepted video: AVI, and sound alone in an MP4 container.
const AVI = withTail([...text('RIFF'), 0, 0, 0, 0, ...text('AVI LIST')]);
const M4A = withTail([0, 0, 0, 0x14, ...text('ftypM4A '), 0, 0, 0, 0, ...text('isom')]);

describe('UploadPhoto', () => {
  it('takes the type from the bytes, not the name, and stores the original', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();

    const photo = expectOk(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'x.jpg', bytes: PNG }),
    );

    expect(photo).toMatchObject({
      ownerId: owner,
      filename: 'x.jpg',
      contentType: 'image/png',
      size: PNG.byteLength,
    });
    expect(photo.status).toBe('processing');
    expect(await world.photos.get(owner, photo.id)).toEqual(photo);
    const stored = await world.blobs.get(StorageKeys.original(owner, photo.id));
    expect(stored?.bytes).toEqual(PNG);
    expect(stored?.contentType).toBe('image/png');
    expect(world.queue.waiting).toEqual([{ ownerId: owner, photoId: photo.id }]);
  });

  it('accepts a HEIC by its ftyp brand, stored as image/heic', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const photo = expectOk(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'IMG_0001.HEIC', bytes: HEIC }),
    );
    expect(photo).toMatchObject({ contentType: 'image/heic', status: 'processing' });
    expect((await world.blobs.get(StorageKeys.original(owner, photo.id)))?.contentType).toBe('image/heic');
  });

  it('accepts a JPEG named like anything', async () => {
    const world = useCaseWorld();
    const photo = expectOk(
      await world.uploadPhoto.execute({ ownerId: uniqueOwner(), filename: 'scan.tiff', bytes: JPEG }),
    );
    expect(photo.contentType).toBe('image/jpeg');
  });

  const notImages: [string, Uint8Array][] = [
    ['SVG', text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')],
    ['SVG with an XML prolog', text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')],
    ['HTML', text('<!DOCTYPE html><html><body>hi</body></html>')],
    ['AVI', AVI],
    ['an M4A (sound only)', M4A],
    ['empty', new Uint8Array(0)],
    ['random bytes', withTail([0x13, 0x37, 0x00, 0x42])],
  ];

  it.each(notImages)('refuses %s as unsupported and stores nothing', async (_what, bytes) => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    expectErr(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'x.png', bytes }),
      UnsupportedMediaTypeError,
    );
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
    expect(world.blobs.keys()).toEqual([]);
    expect(world.queue.waiting).toEqual([]);
  });

  it('takes a QuickTime movie as a video, by its bytes, and announces it to the consumers', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const video = expectOk(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'x.jpg', bytes: MOV }),
    );
    expect(video).toMatchObject({ kind: 'video', contentType: 'video/quicktime', status: 'processing' });
    expect(world.queue.waiting).toEqual([{ ownerId: owner, photoId: video.id }]);
  });

  it.each([
    ['AVI', AVI, 'the file is AVI, not an accepted image or video'],
    ['M4A', M4A, 'the file is audio (M4A), not an accepted image or video'],
  ])('names what %s is when it refuses it', async (_what, bytes, message) => {
    const world = useCaseWorld();
    const error = expectErr(
      await world.uploadPhoto.execute({ ownerId: uniqueOwner(), filename: 'x', bytes }),
      UnsupportedMediaTypeError,
    );
    expect(error.message).toBe(message);
  });

  it('refuses more bytes than maxDirectUploadBytes and stores nothing', async () => {
    const world = useCaseWorld({ limits: { maxDirectUploadBytes: 63 } });
    const owner = uniqueOwner();
    const error = expectErr(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'x.png', bytes: PNG }),
      FileTooLargeError,
    );
    expect(error).toMatchObject({ size: 64, limit: 63 });
    expect((await world.photos.listByOwner(owner, { limit: 10 })).items).toEqual([]);
    expect(world.blobs.keys()).toEqual([]);
  });

  it('accepts exactly maxDirectUploadBytes', async () => {
    const world = useCaseWorld({ limits: { maxDirectUploadBytes: 64 } });
    expectOk(await world.uploadPhoto.execute({ ownerId: uniqueOwner(), filename: 'x.png', bytes: PNG }));
  });

  it('refuses a bad filename before storing anything', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    const error = expectErr(
      await world.uploadPhoto.execute({ ownerId: owner, filename: 'a/b.png', bytes: PNG }),
      InvalidInputError,
    );
    expect(error.field).toBe('filename');
    expect(world.blobs.keys()).toEqual([]);
  });

  it('queues a job itself, unless storage announces new originals (S3 notifications)', async () => {
    const world = useCaseWorld();
    const owner = uniqueOwner();
    expectOk(await world.uploadPhoto.execute({ ownerId: owner, filename: 'a.png', bytes: PNG }));
    expect(world.queue.waiting).toHaveLength(1);

    const announced = new UploadPhoto(
      world.registerUpload,
      world.acceptUpload,
      world.abortUpload,
      world.blobs,
      world.limits,
      true,
    );
    const photo = expectOk(await announced.execute({ ownerId: owner, filename: 'b.png', bytes: PNG }));
    expect(photo.status).toBe('processing');
    expect(world.queue.waiting).toHaveLength(1);
  });
});
