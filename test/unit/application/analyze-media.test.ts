import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WasmVipsImageProcessor } from '../../../src/adapters/image/wasm-vips-image-processor.js';
import { InMemoryBlobStore } from '../../../src/adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../../src/adapters/memory/in-memory-photo-repository.js';
import type { PhotoRepository } from '../../../src/application/ports/photo-repository.js';
import {
  type AnalysisSettings,
  AnalyzeMedia,
  defaultAnalysisSettings,
} from '../../../src/application/use-cases/analyze-media.js';
import { PhotoRejectedError } from '../../../src/domain/errors.js';
import { defaultLimits } from '../../../src/domain/limits.js';
import { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { FailingBlobStore } from '../../support/failing-blob-store.js';
import { photoIdAt, uniqueOwner } from '../../support/fixtures.js';
import { photoJpeg, truncatedJpeg } from '../../support/images.js';
import { ManualClock } from '../../support/manual-clock.js';
import { type AnalyzerStep, analyses, ScriptedImageAnalyzer } from '../../support/scripted-image-analyzer.js';

let processor: WasmVipsImageProcessor;
let landscape: Uint8Array;

beforeAll(async () => {
  processor = new WasmVipsImageProcessor();
  landscape = await photoJpeg({ width: 2400, height: 1600 });
}, 60_000);

afterAll(async () => {
  await processor?.close();
});

function world(steps: AnalyzerStep[], settings: AnalysisSettings = defaultAnalysisSettings) {
  const photos = new InMemoryPhotoRepository();
  const store = new InMemoryBlobStore();
  const blobs = new FailingBlobStore(store);
  const clock = new ManualClock();
  const analyzer = new ScriptedImageAnalyzer(...steps);
  const analyze = new AnalyzeMedia(photos, blobs, processor, analyzer, clock, defaultLimits, settings);
  return { photos, store, blobs, clock, analyzer, analyze };
}

/** A processing photo whose original (these bytes) has landed. */
async function uploaded(w: ReturnType<typeof world>, bytes: Uint8Array): Promise<Photo> {
  const ownerId = uniqueOwner();
  const pending = Photo.register({
    id: photoIdAt(),
    ownerId,
    filename: 'dog.jpg',
    contentType: 'image/jpeg',
    size: bytes.byteLength,
    now: w.clock.now(),
  });
  const photo = Photo.startProcessing(pending, bytes.byteLength, w.clock.now());
  await w.photos.save(pending);
  await w.photos.save(photo);
  await w.store.put(StorageKeys.original(ownerId, photo.id), bytes, { contentType: 'image/jpeg' });
  w.clock.advance(1000);
  return photo;
}

const job = (photo: Photo) => ({ ownerId: photo.ownerId, photoId: photo.id });

describe('AnalyzeMedia', () => {
  it('hands the analyser a JPEG of at most 1024 px and stores the top labels and moderation', async () => {
    const w = world([analyses.dog]);
    const photo = await uploaded(w, landscape);

    const outcome = await w.analyze.execute(job(photo));

    expect(outcome.kind).toBe('analyzed');
    const [image] = w.analyzer.seen;
    expect(image?.key).toBe(`renditions/${photo.ownerId}/${photo.id}/analysis.jpg`);
    expect(image?.contentType).toBe('image/jpeg');
    expect(Array.from(image?.bytes.subarray(0, 3) ?? [])).toEqual([0xff, 0xd8, 0xff]);
    expect(image?.bytes.byteLength).toBeLessThan(5 * 1024 * 1024);
    const probe = await processor.probe(image?.bytes as Uint8Array);
    expect(probe.ok && [probe.value.width, probe.value.height]).toEqual([1024, 683]);
    expect((await w.store.get(image?.key as string))?.bytes).toEqual(image?.bytes);

    const stored = await w.photos.get(photo.ownerId, photo.id);
    expect(stored?.labels?.map((l) => l.name)).toEqual(['Animal', 'Dog', 'Pet', 'Grass']);
    expect(stored?.moderation).toEqual({ verdict: 'allow', labels: [], modelVersion: '7.0' });
    expect(stored?.analysis).toEqual({ status: 'done', at: w.clock.now().toISOString() });
    expect(stored?.status).toBe('processing');
  });

  it('is idempotent under redelivery: an analysed photo is left alone', async () => {
    const w = world([analyses.dog]);
    const photo = await uploaded(w, landscape);
    await w.analyze.execute(job(photo));
    const first = await w.photos.get(photo.ownerId, photo.id);

    expect(await w.analyze.execute(job(photo))).toEqual({ kind: 'skipped', reason: 'already-done' });
    expect(await w.photos.get(photo.ownerId, photo.id)).toEqual(first);
    expect(w.analyzer.seen).toHaveLength(1);
  });

  it('skips a deleted photo', async () => {
    const w = world([analyses.dog]);
    const photo = await uploaded(w, landscape);
    await w.photos.delete(photo.ownerId, photo.id);
    expect(await w.analyze.execute(job(photo))).toEqual({ kind: 'skipped', reason: 'deleted' });
    expect(w.analyzer.seen).toEqual([]);
  });

  it('throws on a transient failure (analyser or storage) and records nothing, so the queue retries', async () => {
    const w = world([{ throw: 'ThrottlingException' }, analyses.dog]);
    const photo = await uploaded(w, landscape);
    await expect(w.analyze.execute(job(photo))).rejects.toThrow('ThrottlingException');
    expect((await w.photos.get(photo.ownerId, photo.id))?.analysis).toBeUndefined();
    w.blobs.failNextGets(1);
    await expect(w.analyze.execute(job(photo))).rejects.toThrow();
    expect((await w.analyze.execute(job(photo))).kind).toBe('analyzed');
  });

  it.each([
    ['the analyser refuses the image', { refuse: 'InvalidImageFormatException: bad image' }, null],
    ['the image cannot be decoded', analyses.dog, 'truncated'],
  ] as const)('records a permanent failure when %s, and leaves the photo usable', async (_, step, bytes) => {
    const w = world([step]);
    const photo = await uploaded(w, bytes === 'truncated' ? await truncatedJpeg() : landscape);

    const outcome = await w.analyze.execute(job(photo));

    expect(outcome.kind).toBe('failed');
    const stored = await w.photos.get(photo.ownerId, photo.id);
    expect(stored?.analysis).toMatchObject({ status: 'failed', reason: expect.any(String) });
    expect(stored?.status).toBe('processing');
    expect(stored?.failure).toBeUndefined();
    expect(stored?.labels).toBeUndefined();
  });

  it('flags under the flag policy: a verdict, the photo stays as it was', async () => {
    const w = world([analyses.explicit]);
    const photo = await uploaded(w, landscape);
    await w.analyze.execute(job(photo));
    const stored = await w.photos.get(photo.ownerId, photo.id);
    expect(stored?.moderation?.verdict).toBe('block');
    expect(stored?.status).toBe('processing');
  });

  it('blocks under the block policy: status rejected, the labels as the reason, nothing served', async () => {
    const blocking = {
      ...defaultAnalysisSettings,
      moderation: { ...defaultAnalysisSettings.moderation, mode: 'block' as const },
    };
    const w = world([analyses.explicit], blocking);
    const photo = await uploaded(w, landscape);

    await w.analyze.execute(job(photo));

    const stored = (await w.photos.get(photo.ownerId, photo.id)) as Photo;
    expect(stored.status).toBe('rejected');
    expect(stored.failure).toEqual({
      code: 'moderation-blocked',
      message: 'blocked by moderation: Explicit (97%), Explicit Nudity (97%), Exposed Male Genitalia (96%)',
    });
    expect(stored.moderation?.verdict).toBe('block');
    const servable = Photo.servable(stored);
    expect(!servable.ok && servable.error).toBeInstanceOf(PhotoRejectedError);
  });

  it('writes its fields on top of a concurrent write by the thumbnail job', async () => {
    const w = world([analyses.dog]);
    const photo = await uploaded(w, landscape);
    // The thumbnail job marks the photo ready between the analysis' read and its save.
    const racing: PhotoRepository = Object.create(w.photos);
    let raced = false;
    racing.save = async (next) => {
      if (!raced) {
        raced = true;
        const ready = Photo.markReady(
          photo,
          { contentType: 'image/jpeg', width: 2400, height: 1600, renditions: [] },
          w.clock.now(),
        );
        await w.photos.save(ready);
      }
      return w.photos.save(next);
    };
    const analyze = new AnalyzeMedia(
      racing,
      w.blobs,
      processor,
      w.analyzer,
      w.clock,
      defaultLimits,
      defaultAnalysisSettings,
    );

    expect((await analyze.execute(job(photo))).kind).toBe('analyzed');
    const stored = await w.photos.get(photo.ownerId, photo.id);
    expect(stored?.status).toBe('ready');
    expect(stored?.labels?.map((l) => l.name)).toContain('Dog');
    expect(stored?.version).toBe(photo.version + 2);
  });

  describe('a video', () => {
    /**
     * A video in the state the video consumer leaves it: transcode submitted, or ready with
     * its poster and `frames` sampled frames (stored unless `missing` names one, 1-based).
     */
    async function video(
      w: ReturnType<typeof world>,
      ready: boolean,
      frames: { count: number; missing?: number; bytes?: Uint8Array } = { count: 0 },
    ): Promise<Photo> {
      const ownerId = uniqueOwner('video');
      const pending = Photo.register({
        id: photoIdAt(),
        ownerId,
        filename: 'clip.mp4',
        contentType: 'video/mp4',
        size: 1000,
        now: w.clock.now(),
      });
      const processing = Photo.startProcessing(pending, 1000, w.clock.now());
      const frameTimesMs = Array.from({ length: frames.count }, (_, i) => (i + 1) * 750);
      const plan = { width: 2400, height: 1600, posterAtMs: 300, frameTimesMs };
      const facts = { contentType: 'video/mp4' as const, width: 2400, height: 1600, durationMs: 3000, plan };
      const submitted = Photo.startTranscode(processing, facts, w.clock.now());
      for (const p of [pending, processing, submitted]) await w.photos.save(p);
      await w.store.put(StorageKeys.original(ownerId, pending.id), new Uint8Array(1000), {
        contentType: 'video/mp4',
      });
      if (!ready) return submitted;
      const posterKey = StorageKeys.videoPoster(ownerId, pending.id);
      await w.store.put(posterKey, landscape, { contentType: 'image/jpeg' });
      const frameBytes = frames.bytes ?? landscape;
      const sampled = StorageKeys.videoFrames(ownerId, pending.id, plan).map((key, i) => ({
        key,
        atMs: frameTimesMs[i] ?? 0,
        bytes: frameBytes.byteLength,
      }));
      for (const [i, f] of sampled.entries()) {
        if (frames.missing !== i + 1) await w.store.put(f.key, frameBytes, { contentType: 'image/jpeg' });
      }
      const done = Photo.markVideoReady(
        submitted,
        {
          mp4: {
            key: StorageKeys.videoMp4(ownerId, pending.id),
            width: 2400,
            height: 1600,
            durationMs: 3000,
            bytes: 1,
          },
          poster: { key: posterKey, width: 2400, height: 1600, bytes: landscape.byteLength },
          frames: sampled,
          renditions: [],
        },
        w.clock.now(),
      );
      await w.photos.save(done);
      return done;
    }

    it('is skipped without a trace while it is transcoded: its poster is not there yet', async () => {
      const w = world([analyses.dog]);
      const submitted = await video(w, false);
      expect(await w.analyze.execute(job(submitted))).toEqual({ kind: 'skipped', reason: 'video-not-ready' });
      expect(await w.photos.get(submitted.ownerId, submitted.id)).toEqual(submitted);
      expect(w.analyzer.seen).toEqual([]);
    });

    it('is analysed from its poster frame once ready', async () => {
      const w = world([analyses.dog]);
      const ready = await video(w, true);
      expect((await w.analyze.execute(job(ready))).kind).toBe('analyzed');
      const [image] = w.analyzer.seen;
      const probe = await processor.probe(image?.bytes as Uint8Array);
      expect(probe.ok && [probe.value.width, probe.value.height]).toEqual([1024, 683]);
      const stored = await w.photos.get(ready.ownerId, ready.id);
      expect(stored?.labels?.map((l) => l.name)).toContain('Dog');
      expect(stored?.status).toBe('ready');
    });

    it('looks at the poster and every sampled frame, and keeps what any of them shows', async () => {
      // The poster shows a mountain, the second frame a dog: the video is labelled with both.
      const mountain = {
        labels: [{ name: 'Mountain', confidence: 92.4, parents: ['Nature', 'Outdoors'] }],
        moderation: { labels: [], modelVersion: '7.0' },
      };
      const w = world([mountain, mountain, analyses.dog, mountain]);
      const ready = await video(w, true, { count: 3 });
      expect((await w.analyze.execute(job(ready))).kind).toBe('analyzed');
      expect(w.analyzer.seen).toHaveLength(4);
      const stored = await w.photos.get(ready.ownerId, ready.id);
      const names = stored?.labels?.map((l) => l.name) ?? [];
      expect(names).toContain('Dog');
      expect(names).toContain('Mountain');
      expect(stored?.labels?.find((l) => l.name === 'Dog')?.confidence).toBe(98.7);
    });

    it('judges the video by its worst frame: one explicit frame holds it under a block policy', async () => {
      const block = {
        ...defaultAnalysisSettings,
        moderation: { ...defaultAnalysisSettings.moderation, mode: 'block' as const },
      };
      const w = world([analyses.dog, analyses.dog, analyses.explicit, analyses.dog], block);
      const ready = await video(w, true, { count: 3 });
      await w.analyze.execute(job(ready));
      const stored = await w.photos.get(ready.ownerId, ready.id);
      expect(stored?.status).toBe('rejected');
      expect(stored?.moderation?.labels.map((l) => l.name)).toContain('Explicit');
    });

    it('leaves out a sampled frame that is not in storage, and fails saying which frame could not be read', async () => {
      const w = world([analyses.dog]);
      const gap = await video(w, true, { count: 3, missing: 2 });
      expect((await w.analyze.execute(job(gap))).kind).toBe('analyzed');
      expect(w.analyzer.seen).toHaveLength(3);

      const broken = await video(w, true, { count: 2, bytes: await truncatedJpeg() });
      const outcome = await w.analyze.execute(job(broken));
      expect(outcome.kind).toBe('failed');
      const stored = await w.photos.get(broken.ownerId, broken.id);
      expect(stored?.analysis).toMatchObject({
        status: 'failed',
        reason: expect.stringMatching(/^the frame at 0\.75 s: /),
      });
      // The video itself stays as usable as it was.
      expect(stored?.status).toBe('ready');
    });
  });
});
