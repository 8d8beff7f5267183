import { describe, expect, it } from 'vitest';
import { MediabunnyMediaProbe } from '../../../src/adapters/video/mediabunny-media-probe.js';
import { ProcessVideo } from '../../../src/application/use-cases/process-video.js';
import type { Limits } from '../../../src/domain/limits.js';
import type { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { defaultVideoLimits } from '../../../src/domain/video-limits.js';
import {
  defaultVideoRenditionSettings,
  posterTimeMs,
  sampledFrameTimesMs,
} from '../../../src/domain/video-rendition.js';
import { FailingBlobStore } from '../../support/failing-blob-store.js';
import { uniqueOwner } from '../../support/fixtures.js';
import { RecordingVideoTranscoder } from '../../support/recording-video-transcoder.js';
import { expectOk } from '../../support/results.js';
import { type UseCaseWorld, useCaseWorld } from '../../support/use-case-world.js';
import { TEST_VIDEO_MS, type TestVideo, testVideo } from '../../support/videos.js';

/**
 * ProcessVideo on the in-memory adapters, the real mediabunny probe and the
 * test videos ffmpeg makes; the transcoder records the jobs it is given (the
 * ffmpeg transcoder runs its contract suite, and the whole path runs through
 * the dev server in test/unit/entrypoints/dev-server-video.test.ts).
 */

function videoWorld(limits: Partial<Limits> = {}) {
  const world = useCaseWorld();
  const flaky = new FailingBlobStore(world.blobs);
  const transcoder = new RecordingVideoTranscoder();
  const processVideo = new ProcessVideo(
    world.photos,
    flaky,
    new MediabunnyMediaProbe(),
    transcoder,
    world.clock,
    { ...world.limits, ...limits },
    defaultVideoRenditionSettings,
  );
  return { ...world, flaky, transcoder, processVideo };
}

/** An item registered with this declared type, whose original (these bytes) has landed and been accepted. */
async function accepted(world: UseCaseWorld, bytes: Uint8Array, declared = 'video/mp4'): Promise<Photo> {
  const ownerId = uniqueOwner('video');
  const { photo } = expectOk(
    await world.registerUpload.execute({
      ownerId,
      filename: 'clip',
      contentType: declared,
      size: bytes.byteLength,
    }),
  );
  await world.blobs.put(StorageKeys.original(ownerId, photo.id), bytes, { contentType: declared });
  return expectOk(await world.acceptUpload.execute({ ownerId, photoId: photo.id, enqueue: false }));
}

const jobOf = (photo: Photo) => ({ ownerId: photo.ownerId, photoId: photo.id });

describe('ProcessVideo', () => {
  it.each([
    ['an H.264 MP4 with sound', 'mp4', 'video/mp4', 'video/mp4', { width: 320, height: 240 }],
    [
      "a phone's MOV turned a quarter in its track",
      'rotated-mov',
      'video/quicktime',
      'video/quicktime',
      { width: 240, height: 320 },
    ],
    ['a WebM, declared as an MP4', 'webm', 'video/mp4', 'video/webm', { width: 320, height: 240 }],
  ] as const)(
    'probes %s by ranges, records it and submits its transcode',
    async (_what, name, declared, sniffed, size) => {
      const world = videoWorld();
      const video = await accepted(world, await testVideo(name), declared);
      const outcome = await world.processVideo.execute(jobOf(video));

      expect(outcome.kind).toBe('submitted');
      const stored = await world.photos.get(video.ownerId, video.id);
      expect(stored).toMatchObject({ kind: 'video', status: 'processing', contentType: sniffed, ...size });
      expect(Math.abs((stored?.durationMs ?? 0) - TEST_VIDEO_MS)).toBeLessThanOrEqual(100);
      const posterAtMs = posterTimeMs(stored?.durationMs ?? 0, defaultVideoRenditionSettings);
      expect(posterAtMs).toBeGreaterThanOrEqual(290);
      const frameTimesMs = sampledFrameTimesMs(
        stored?.durationMs ?? 0,
        defaultVideoRenditionSettings.sampledFrames,
      );
      expect(frameTimesMs).toHaveLength(3);
      expect(stored?.video).toMatchObject({ attempts: 1, plan: { ...size, posterAtMs, frameTimesMs } });
      expect(world.transcoder.jobs).toEqual([
        {
          ownerId: video.ownerId,
          photoId: video.id,
          originalKey: StorageKeys.original(video.ownerId, video.id),
          outputs: {
            video: StorageKeys.videoMp4(video.ownerId, video.id),
            poster: StorageKeys.videoPoster(video.ownerId, video.id),
            frames: [1, 2, 3].map((n) => StorageKeys.videoFrame(video.ownerId, video.id, n)),
          },
          plan: { ...size, posterAtMs, frameTimesMs },
          durationMs: stored?.durationMs,
        },
      ]);
    },
  );

  it('submits once: a job delivered again after the transcode was submitted is skipped', async () => {
    const world = videoWorld();
    const video = await accepted(world, await testVideo('mp4'));
    await world.processVideo.execute(jobOf(video));
    const recorded = await world.photos.get(video.ownerId, video.id);
    expect(await world.processVideo.execute(jobOf(video))).toEqual({
      kind: 'skipped',
      reason: 'already-submitted',
    });
    expect(world.transcoder.jobs).toHaveLength(1);
    expect(await world.photos.get(video.ownerId, video.id)).toEqual(recorded);
  });

  it.each<[string, TestVideo, string, string | RegExp]>([
    [
      'an AVI sent as an MP4, by its magic bytes',
      'avi',
      'unsupported-video',
      'the file is AVI, which is not an accepted video format; send MP4, MOV, WebM or Matroska (MKV)',
    ],
    [
      'an MP4 cut in half (its index lost)',
      'corrupt-mp4',
      'corrupt-video',
      'the MP4 has no tracks: it is cut short or damaged',
    ],
    [
      'a 4K video over the 3840x2160 limit',
      'over-limit-mp4',
      'video-too-large',
      'the picture is 4096x2304, over the limit of 3840x2160 (either way up)',
    ],
    [
      'an MP4 of sound alone',
      'sound-only-mp4',
      'unsupported-video',
      'the MP4 has no video track, only sound',
    ],
  ])('fails %s for good, with the reason, and submits nothing', async (_what, name, code, message) => {
    const world = videoWorld();
    const video = await accepted(world, await testVideo(name));
    const outcome = await world.processVideo.execute(jobOf(video));
    expect(outcome.kind).toBe('failed');
    const stored = await world.photos.get(video.ownerId, video.id);
    expect(stored?.status).toBe('failed');
    expect(stored?.failure?.code).toBe(code);
    expect(stored?.failure?.message).toMatch(message);
    expect(stored?.video).toBeUndefined();
    expect(world.transcoder.jobs).toEqual([]);
  });

  it('shows the size of a video refused for its size, and the length of one refused for its length', async () => {
    const world = videoWorld({ video: { ...defaultVideoLimits, maxDurationMs: 1000 } });
    const long = await accepted(world, await testVideo('mp4'));
    await world.processVideo.execute(jobOf(long));
    const stored = await world.photos.get(long.ownerId, long.id);
    expect(stored?.failure?.message).toMatch(/^the video is 3(\.\d+)? s, over the limit of 1 s$/);
    expect(stored).toMatchObject({ contentType: 'video/mp4', width: 320, height: 240 });

    const huge = await accepted(world, await testVideo('over-limit-mp4'));
    await world.processVideo.execute(jobOf(huge));
    expect(await world.photos.get(huge.ownerId, huge.id)).toMatchObject({ width: 4096, height: 2304 });
  });

  it('leaves a photo to the thumbnail consumer, and a deleted item alone', async () => {
    const world = videoWorld();
    const photo = await accepted(world, new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 'image/jpeg');
    expect(await world.processVideo.execute(jobOf(photo))).toEqual({
      kind: 'skipped',
      reason: 'not-a-video',
    });
    const video = await accepted(world, await testVideo('mp4'));
    expectOk(await world.deletePhoto.execute(jobOf(video)));
    expect(await world.processVideo.execute(jobOf(video))).toEqual({ kind: 'skipped', reason: 'deleted' });
    expect(world.transcoder.jobs).toEqual([]);
  });

  it('fails an item whose original never landed', async () => {
    const world = videoWorld();
    const ownerId = uniqueOwner('video');
    const { photo } = expectOk(
      await world.registerUpload.execute({ ownerId, filename: 'v.mp4', contentType: 'video/mp4', size: 10 }),
    );
    await world.processVideo.execute(jobOf(photo));
    expect((await world.photos.get(ownerId, photo.id))?.failure?.code).toBe('upload-missing');
  });

  it('throws on a storage failure or a transcoder that cannot take the job, and records nothing, so the queue retries', async () => {
    const world = videoWorld();
    const video = await accepted(world, await testVideo('mp4'));
    world.flaky.failNextGets(1);
    await expect(world.processVideo.execute(jobOf(video))).rejects.toThrow(/injected failure/);
    world.transcoder.refuseNextSubmits(1);
    await expect(world.processVideo.execute(jobOf(video))).rejects.toThrow(/cannot take the job/);
    expect(await world.photos.get(video.ownerId, video.id)).toEqual(video);

    expect((await world.processVideo.execute(jobOf(video))).kind).toBe('submitted');
    expect(world.transcoder.jobs).toHaveLength(1);
  });
});
