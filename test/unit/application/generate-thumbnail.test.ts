import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmVipsImageProcessor } from '../../../src/adapters/image/wasm-vips-image-processor.js';
import type { ImageProcessor } from '../../../src/application/ports/image-processor.js';
import { GenerateThumbnail } from '../../../src/application/use-cases/generate-thumbnail.js';
import { ContentType } from '../../../src/domain/content-type.js';
import { defaultLimits, type Limits } from '../../../src/domain/limits.js';
import { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { FailingBlobStore } from '../../support/failing-blob-store.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { heicSample, truncatedHeic, withIspe } from '../../support/heic.js';
import {
  emptyBytes,
  heicHeader,
  hugePngHeader,
  orientation6Jpeg,
  photoJpeg,
  photoPng,
  randomBytes,
  svgImage,
  truncatedJpeg,
} from '../../support/images.js';
import { expectOk } from '../../support/results.js';
import { type UseCaseWorld, useCaseWorld } from '../../support/use-case-world.js';

// One processor for the file: starting wasm-vips is the slow part.
let processor: WasmVipsImageProcessor;
let landscapeJpeg: Uint8Array;
let smallJpeg: Uint8Array;

beforeAll(async () => {
  processor = new WasmVipsImageProcessor();
  [landscapeJpeg, smallJpeg] = await Promise.all([
    photoJpeg({ width: 2400, height: 1600, gps: true }),
    photoJpeg({ width: 640, height: 480, seed: 2 }),
  ]);
  // Warm the processor up here, so the first test is not charged for it.
  expectOk(await processor.probe(smallJpeg));
}, 60_000);

afterAll(async () => {
  await processor?.close();
});

/** The world plus a GenerateThumbnail over a BlobStore that can be told to fail. */
function thumbnailWorld(
  options: { jobLimits?: Partial<Limits>; processor?: ImageProcessor } = {},
): UseCaseWorld & { flaky: FailingBlobStore; generate: GenerateThumbnail } {
  const world = useCaseWorld();
  const flaky = new FailingBlobStore(world.blobs);
  const generate = new GenerateThumbnail(
    world.photos,
    flaky,
    options.processor ?? processor,
    world.clock,
    { ...defaultLimits, ...options.jobLimits },
    world.settings,
  );
  return { ...world, flaky, generate };
}

/** A photo whose original (these bytes, whatever the client declared) has landed and been accepted. */
async function processingPhoto(
  world: UseCaseWorld,
  bytes: Uint8Array,
  declared = 'image/jpeg',
): Promise<Photo> {
  const owner = uniqueOwner();
  const { photo } = expectOk(
    await world.registerUpload.execute({
      ownerId: owner,
      filename: 'upload.jpg',
      contentType: declared,
      size: Math.max(1, bytes.byteLength),
    }),
  );
  await world.blobs.put(StorageKeys.original(owner, photo.id), bytes, { contentType: declared });
  const accepted = expectOk(
    await world.acceptUpload.execute({ ownerId: owner, photoId: photo.id, enqueue: false }),
  );
  expect(accepted.status).toBe('processing');
  world.clock.advance(1000);
  return accepted;
}

const job = (photo: Photo) => ({ ownerId: photo.ownerId, photoId: photo.id });
const renditionKeys = (world: UseCaseWorld, photo: Photo) =>
  world.blobs.keys(`${StorageKeys.renditionsPrefix}${photo.ownerId}/${photo.id}/`);

const sha256Hex = async (bytes: Uint8Array) =>
  Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

describe('GenerateThumbnail', () => {
  it('leaves a video to the video consumer: skipped, the record untouched, nothing stored', async () => {
    const world = thumbnailWorld();
    const video = await processingPhoto(world, landscapeJpeg, 'video/mp4');
    expect(await world.generate.execute(job(video))).toEqual({ kind: 'skipped', reason: 'video' });
    expect(await world.photos.get(video.ownerId, video.id)).toEqual(video);
    expect(renditionKeys(world, video)).toEqual([]);
  });

  it('renders every preset of a JPEG, stores them and marks the photo ready', async () => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, landscapeJpeg);

    const outcome = await world.generate.execute(job(photo));

    expect(outcome.kind).toBe('ready');
    const stored = await world.photos.get(photo.ownerId, photo.id);
    expect(stored).toEqual(outcome.kind === 'ready' ? outcome.photo : undefined);
    expect(stored).toMatchObject({
      status: 'ready',
      contentType: 'image/jpeg',
      width: 2400,
      height: 1600,
      version: photo.version + 1,
      updatedAt: world.clock.now().toISOString(),
      checksum: await sha256Hex(landscapeJpeg),
    });
    expect(stored?.failure).toBeUndefined();
    expect(stored?.placeholder).toMatch(/^[A-Za-z0-9+/]+=*$/);

    const sizes = Object.fromEntries((stored?.renditions ?? []).map((r) => [r.preset, [r.width, r.height]]));
    expect(sizes).toEqual({ thumb: [256, 256], preview: [1024, 683], large: [2048, 1365] });

    for (const r of stored?.renditions ?? []) {
      expect(r.format).toBe('webp');
      expect(r.key).toBe(StorageKeys.rendition(photo.ownerId, photo.id, r.preset, 'webp'));
      const object = await world.blobs.get(r.key);
      expect(object?.contentType).toBe('image/webp');
      expect(object?.size).toBe(r.bytes);
      expect(ContentType.sniff(object?.bytes ?? new Uint8Array())).toEqual({ kind: 'image', format: 'webp' });
      const probe = expectOk(await processor.probe(object?.bytes ?? new Uint8Array()));
      expect([probe.width, probe.height]).toEqual([r.width, r.height]);
    }
    expect(renditionKeys(world, photo)).toHaveLength(3);
    // The original stays: it is what the "download original" link serves.
    expect(await world.blobs.get(StorageKeys.original(photo.ownerId, photo.id))).toBeDefined();
  });

  it('records the sniffed type and the displayed size of a rotated photo', async () => {
    const world = thumbnailWorld();
    const rotatedPhoto = await processingPhoto(world, await orientation6Jpeg());
    const pngPhoto = await processingPhoto(world, await photoPng(320, 200), 'image/jpeg');
    const heicPhoto = await processingPhoto(world, heicSample('rotated'), 'image/heic');

    await world.generate.execute(job(rotatedPhoto));
    await world.generate.execute(job(pngPhoto));
    await world.generate.execute(job(heicPhoto));

    const rotated = await world.photos.get(rotatedPhoto.ownerId, rotatedPhoto.id);
    expect(rotated).toMatchObject({ status: 'ready', width: 300, height: 400 });
    expect(rotated?.renditions.find((r) => r.preset === 'large')).toMatchObject({ width: 300, height: 400 });
    const png = await world.photos.get(pngPhoto.ownerId, pngPhoto.id);
    expect(png).toMatchObject({ status: 'ready', contentType: 'image/png', width: 320, height: 200 });
    // Stored 480x320, shown 300x400 once its clap and irot are applied.
    const heic = await world.photos.get(heicPhoto.ownerId, heicPhoto.id);
    expect(heic).toMatchObject({ status: 'ready', contentType: 'image/heic', width: 300, height: 400 });
    expect(heic?.renditions.find((r) => r.preset === 'large')).toMatchObject({ width: 300, height: 400 });
  });

  it('does the work once when a job is delivered twice', async () => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, smallJpeg);

    expect((await world.generate.execute(job(photo))).kind).toBe('ready');
    const afterFirst = await world.photos.get(photo.ownerId, photo.id);
    world.clock.advance(1000);
    expect(await world.generate.execute(job(photo))).toEqual({ kind: 'skipped', reason: 'already-done' });

    expect(await world.photos.get(photo.ownerId, photo.id)).toEqual(afterFirst);
    expect(afterFirst?.version).toBe(photo.version + 1);
    expect(renditionKeys(world, photo)).toHaveLength(3);
    expect(world.blobs.keys(StorageKeys.renditionsPrefix)).toHaveLength(3);
  });

  it('leaves one set of renditions and a consistent record when duplicates run at once', async () => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, smallJpeg);

    const outcomes = await Promise.all([
      world.generate.execute(job(photo)),
      world.generate.execute(job(photo)),
    ]);

    expect(outcomes.map((o) => o.kind).sort()).toEqual(['ready', 'skipped']);
    const stored = await world.photos.get(photo.ownerId, photo.id);
    expect(stored?.status).toBe('ready');
    expect(stored?.version).toBe(photo.version + 1);
    expect(stored?.renditions.map((r) => r.preset).sort()).toEqual(['large', 'preview', 'thumb']);
    expect(world.blobs.keys(StorageKeys.renditionsPrefix)).toEqual(
      stored?.renditions.map((r) => r.key).sort(),
    );
    for (const r of stored?.renditions ?? []) expect((await world.blobs.head(r.key))?.size).toBe(r.bytes);
  });

  it('does nothing for a photo deleted before its job ran', async () => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, smallJpeg);
    expectOk(await world.deletePhoto.execute(job(photo)));

    expect(await world.generate.execute(job(photo))).toEqual({ kind: 'skipped', reason: 'deleted' });

    expect(world.blobs.keys()).toEqual([]);
    expect(await world.photos.get(photo.ownerId, photo.id)).toBeUndefined();
  });

  it('takes back its renditions when the photo is deleted while it renders', async () => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, smallJpeg);
    // The owner deletes the photo while the worker is busy decoding it.
    const deletingMidway: ImageProcessor = {
      probe: (bytes) => processor.probe(bytes),
      render: async (bytes, settings, limits) => {
        const rendered = await processor.render(bytes, settings, limits);
        expectOk(await world.deletePhoto.execute(job(photo)));
        return rendered;
      },
    };
    const generate = new GenerateThumbnail(
      world.photos,
      world.blobs,
      deletingMidway,
      world.clock,
      defaultLimits,
      world.settings,
    );

    expect(await generate.execute(job(photo))).toEqual({ kind: 'skipped', reason: 'deleted' });

    expect(world.blobs.keys()).toEqual([]);
    expect(await world.photos.get(photo.ownerId, photo.id)).toBeUndefined();
  });

  it.each([
    ['records labels', false, 'ready'],
    ['rejects the photo', true, 'rejected'],
  ] as const)(
    'keeps what analysis wrote while it rendered: when analysis %s, the photo ends %s',
    async (_, block, status) => {
      const world = thumbnailWorld();
      const photo = await processingPhoto(world, smallJpeg);
      // The analysis consumer saves the record while the thumbnail job renders.
      const analysingMidway: ImageProcessor = {
        probe: (bytes) => processor.probe(bytes),
        render: async (bytes, settings, limits) => {
          const rendered = await processor.render(bytes, settings, limits);
          const current = (await world.photos.get(photo.ownerId, photo.id)) as Photo;
          const moderation = {
            labels: [{ name: 'Violence', parent: '', confidence: 99, taxonomyLevel: 1 }],
            modelVersion: '7.0',
          };
          const analysed = Photo.recordAnalysis(
            current,
            {
              labels: [{ name: 'Dog', confidence: 98, parents: ['Animal'] }],
              moderation,
              judgement: { verdict: 'block', labels: moderation.labels },
              block,
            },
            world.clock.now(),
          );
          expect((await world.photos.save(analysed)).ok).toBe(true);
          return rendered;
        },
      };
      const generate = new GenerateThumbnail(
        world.photos,
        world.blobs,
        analysingMidway,
        world.clock,
        defaultLimits,
        world.settings,
      );

      const outcome = await generate.execute(job(photo));

      expect(outcome.kind).toBe(block ? 'skipped' : 'ready');
      const stored = await world.photos.get(photo.ownerId, photo.id);
      expect(stored?.status).toBe(status);
      expect(stored?.labels?.map((l) => l.name)).toEqual(['Dog']);
      if (!block) expect(stored?.renditions).toHaveLength(3);
    },
  );

  const rejected: [string, () => Uint8Array | Promise<Uint8Array>, string][] = [
    ['a truncated JPEG', truncatedJpeg, 'corrupt-image'],
    ['a HEIC cut short', () => truncatedHeic(heicSample('photo')), 'corrupt-image'],
    ['a HEIC of a stub meta box', heicHeader, 'corrupt-image'],
    [
      'a HEIC whose ispe says 100000x100000',
      () => withIspe(heicSample('photo'), 100_000, 100_000),
      'image-too-large',
    ],
    ['random bytes', () => randomBytes(4096), 'unsupported-format'],
    ['an SVG', svgImage, 'unsupported-format'],
    ['an empty file', emptyBytes, 'unsupported-format'],
    ['a 100000x100000 PNG', () => hugePngHeader(), 'image-too-large'],
  ];

  it.each(rejected)('fails %s for good, without throwing', async (_what, bytes, code) => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, await bytes());

    const outcome = await world.generate.execute(job(photo));

    expect(outcome.kind).toBe('failed');
    const stored = await world.photos.get(photo.ownerId, photo.id);
    expect(stored).toMatchObject({ status: 'failed', version: photo.version + 1, renditions: [] });
    expect(stored?.failure?.code).toBe(code);
    expect(stored?.failure?.message).toEqual(expect.any(String));
    expect(renditionKeys(world, photo)).toEqual([]);
    // A redelivery changes nothing: a failed photo is done.
    expect(await world.generate.execute(job(photo))).toEqual({ kind: 'skipped', reason: 'already-done' });
    expect((await world.photos.get(photo.ownerId, photo.id))?.version).toBe(photo.version + 1);
  });

  it('fails a photo with more pixels than maxPixels', async () => {
    const world = thumbnailWorld({ jobLimits: { maxPixels: 640 * 480 - 1 } });
    const photo = await processingPhoto(world, smallJpeg);

    expect((await world.generate.execute(job(photo))).kind).toBe('failed');

    const stored = await world.photos.get(photo.ownerId, photo.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.failure?.code).toBe('image-too-large');
    expect(stored?.contentType).toBe('image/jpeg');
    expect(renditionKeys(world, photo)).toEqual([]);
  });

  it('fails an original with more bytes than maxOriginalBytes', async () => {
    const world = thumbnailWorld({ jobLimits: { maxOriginalBytes: smallJpeg.byteLength - 1 } });
    const photo = await processingPhoto(world, smallJpeg);

    expect((await world.generate.execute(job(photo))).kind).toBe('failed');

    const stored = await world.photos.get(photo.ownerId, photo.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.failure?.code).toBe('file-too-large');
    expect(renditionKeys(world, photo)).toEqual([]);
  });

  it('throws on a storage failure reading the original, leaving the record for a retry', async () => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, smallJpeg);
    world.flaky.failNextGets(1);

    await expect(world.generate.execute(job(photo))).rejects.toThrow(/injected failure/);

    expect(await world.photos.get(photo.ownerId, photo.id)).toEqual(photo);
    expect(renditionKeys(world, photo)).toEqual([]);

    expect((await world.generate.execute(job(photo))).kind).toBe('ready');
    expect((await world.photos.get(photo.ownerId, photo.id))?.status).toBe('ready');
    expect(renditionKeys(world, photo)).toHaveLength(3);
  });

  it('throws on a storage failure writing a rendition, and a retry completes the job', async () => {
    const world = thumbnailWorld();
    const photo = await processingPhoto(world, smallJpeg);
    world.flaky.failNextPuts(1);

    await expect(world.generate.execute(job(photo))).rejects.toThrow(/injected failure/);

    const untouched = await world.photos.get(photo.ownerId, photo.id);
    expect(untouched).toEqual(photo);
    expect(untouched).toMatchObject({ status: 'processing', version: photo.version, renditions: [] });

    const retried = await world.generate.execute(job(photo));
    expect(retried.kind).toBe('ready');
    const stored = await world.photos.get(photo.ownerId, photo.id);
    expect(stored).toMatchObject({ status: 'ready', version: photo.version + 1 });
    expect(renditionKeys(world, photo)).toEqual(stored?.renditions.map((r) => r.key).sort());
    expect(renditionKeys(world, photo)).toHaveLength(3);
  });
});
