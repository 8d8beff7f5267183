import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { MediabunnyMediaProbe } from '../../src/adapters/video/mediabunny-media-probe.js';
import type { BlobStore } from '../../src/application/ports/blob-store.js';
import type { MediaProbeResult } from '../../src/application/ports/media-probe.js';
import type {
  VideoTranscodeCompletion,
  VideoTranscodeJob,
  VideoTranscoder,
} from '../../src/application/ports/video-transcoder.js';
import type { PhotoId } from '../../src/domain/photo-id.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import {
  defaultVideoRenditionSettings,
  planVideoRendition,
  type VideoRenditionSettings,
} from '../../src/domain/video-rendition.js';
import { photoIdAt, uniqueOwner } from '../support/fixtures.js';
import { TEST_LOCATION, type TestVideo, testVideo, topLevelBoxes } from '../support/videos.js';

/** What the suite drives: the transcoder, the store it reads and writes, and its completions. */
export interface VideoTranscoderHarness {
  readonly transcoder: VideoTranscoder;
  /** Where the suite puts originals and reads the outputs. */
  readonly store: BlobStore;
  /** The completion of this photo's job, as it arrives on the video queue. */
  completion(photoId: PhotoId): Promise<VideoTranscodeCompletion>;
}

const probe = new MediabunnyMediaProbe();

const probed = async (bytes: Uint8Array): Promise<MediaProbeResult> => {
  const result = await probe.probe(bytes);
  if (!result.ok) throw new Error(`the probe refused it: ${result.error.message}`);
  return result.value;
};

const ascii = (bytes: Uint8Array, text: string): boolean => Buffer.from(bytes).includes(text);

/** The colour at (x, y) of a decoded JPEG, as [r, g, b]. */
const colourAt = async (jpeg: Uint8Array, x: number, y: number): Promise<number[]> => {
  const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
  const at = (Math.floor(y) * info.width + Math.floor(x)) * info.channels;
  return [data[at] ?? 0, data[at + 1] ?? 0, data[at + 2] ?? 0];
};

/**
 * The VideoTranscoder contract: every transcoder (ffmpeg here, MediaConvert
 * later) makes the same outputs from the same test videos, and reports the
 * same way. The suite plans each job as the use case does, from the probe and
 * the domain's `planVideoRendition`. Each test waits up to 60 s for its completion.
 */
export function videoTranscoderContract(name: string, make: () => Promise<VideoTranscoderHarness>): void {
  describe(`VideoTranscoder contract: ${name}`, { timeout: 60_000 }, () => {
    /** Puts the original, submits the job the use case would, and waits for its completion. */
    const transcode = async (
      harness: VideoTranscoderHarness,
      source: TestVideo | Uint8Array | undefined,
      settings: VideoRenditionSettings = defaultVideoRenditionSettings,
    ) => {
      const ownerId = uniqueOwner('video');
      const photoId = photoIdAt();
      const originalKey = `originals/${ownerId}/${photoId}`;
      const bytes = typeof source === 'string' ? await testVideo(source) : source;
      const video = await probed(bytes ?? (await testVideo('mp4')));
      if (bytes) await harness.store.put(originalKey, bytes, { contentType: 'video/mp4' });
      const job: VideoTranscodeJob = {
        ownerId,
        photoId,
        originalKey,
        outputs: {
          video: `renditions/${ownerId}/${photoId}/video.mp4`,
          poster: `renditions/${ownerId}/${photoId}/poster.jpg`,
          frames: StorageKeys.videoFrames(ownerId, photoId, planVideoRendition(video, settings)),
        },
        plan: planVideoRendition(video, settings),
        durationMs: video.durationMs,
      };
      await harness.transcoder.submit(job);
      return { job, source: video, completion: await harness.completion(photoId) };
    };

    /** The stored MP4 and poster of a `done` completion, read back and probed. */
    const outputsOf = async (harness: VideoTranscoderHarness, completion: VideoTranscodeCompletion) => {
      if (completion.status !== 'done') throw new Error(`the transcode failed: ${completion.reason}`);
      const video = await harness.store.get(completion.outputs.video.key);
      const poster = await harness.store.get(completion.outputs.poster.key);
      if (!video || !poster) throw new Error('an output is missing from the store');
      const posterMeta = await sharp(poster.bytes).metadata();
      return { completion, video, poster, mp4: await probed(video.bytes), posterMeta };
    };

    it('makes an H.264/AAC MP4 with its moov first, and a JPEG poster of its size', async () => {
      const harness = await make();
      const { job, source, completion } = await transcode(harness, 'mp4');
      const { video, poster, mp4, posterMeta } = await outputsOf(harness, completion);
      expect(mp4).toMatchObject({ container: 'mp4', videoCodec: 'avc', hasAudio: true, audioCodec: 'aac' });
      expect(mp4).toMatchObject({ rotation: 0, displayWidth: 320, displayHeight: 240 });
      expect(Math.abs(mp4.durationMs - source.durationMs)).toBeLessThanOrEqual(100);
      const boxes = topLevelBoxes(video.bytes);
      expect(boxes.indexOf('moov')).toBeGreaterThanOrEqual(0);
      expect(boxes.indexOf('moov')).toBeLessThan(boxes.indexOf('mdat'));
      expect(video.contentType).toBe('video/mp4');
      expect(poster.contentType).toBe('image/jpeg');
      expect(posterMeta).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
      expect(completion).toEqual({
        ownerId: job.ownerId,
        photoId: job.photoId,
        status: 'done',
        outputs: {
          video: {
            key: job.outputs.video,
            contentType: 'video/mp4',
            width: 320,
            height: 240,
            durationMs: mp4.durationMs,
            bytes: video.size,
          },
          poster: {
            key: job.outputs.poster,
            contentType: 'image/jpeg',
            width: 320,
            height: 240,
            bytes: poster.size,
          },
          frames: await Promise.all(
            job.outputs.frames.map(async (key, i) => ({
              key,
              atMs: job.plan.frameTimesMs?.[i],
              bytes: (await harness.store.head(key))?.size,
            })),
          ),
        },
      });
    });

    it('samples frames through the video for analysis: JPEGs of its size, each a different moment', async () => {
      const harness = await make();
      const { job, completion } = await transcode(harness, 'mp4');
      expect(job.plan.frameTimesMs).toHaveLength(3);
      expect(completion.status === 'done' && completion.outputs.frames?.map((f) => f.key)).toEqual(
        job.outputs.frames,
      );
      const { poster } = await outputsOf(harness, completion);
      const frames = await Promise.all(job.outputs.frames.map((key) => harness.store.get(key)));
      for (const frame of frames) {
        expect(frame?.contentType).toBe('image/jpeg');
        expect(await sharp(frame?.bytes).metadata()).toMatchObject({
          format: 'jpeg',
          width: 320,
          height: 240,
        });
      }
      // The test picture moves and counts its frames: no two samples, nor a sample and the poster, are alike.
      const distinct = new Set(
        [poster, ...frames].map((f) => Buffer.from(f?.bytes ?? []).toString('base64')),
      );
      expect(distinct.size).toBe(4);
    });

    it("turns a phone's rotated MOV upright, and leaves where it was shot behind", async () => {
      const harness = await make();
      const original = await testVideo('rotated-mov');
      expect(ascii(original, TEST_LOCATION)).toBe(true);
      const { completion } = await transcode(harness, original);
      const { video, poster, mp4, posterMeta } = await outputsOf(harness, completion);
      // Upright in the pixels, with no rotation left for a player to apply a second time.
      expect(mp4).toMatchObject({
        width: 240,
        height: 320,
        rotation: 0,
        displayWidth: 240,
        displayHeight: 320,
      });
      expect(posterMeta).toMatchObject({ width: 240, height: 320 });
      // A quarter turn clockwise takes the blue top-left quarter to the top right.
      const [r1, , b1] = await colourAt(poster.bytes, 240 * 0.75, 320 * 0.25);
      const [r2, , b2] = await colourAt(poster.bytes, 240 * 0.25, 320 * 0.25);
      expect(b1).toBeGreaterThan(150);
      expect(r1).toBeLessThan(100);
      expect(r2).toBeGreaterThan(150);
      expect(b2).toBeLessThan(100);
      expect(ascii(video.bytes, TEST_LOCATION)).toBe(false);
    });

    it('transcodes a WebM with VP8 and Opus to H.264 and AAC', async () => {
      const harness = await make();
      const { source, completion } = await transcode(harness, 'webm');
      const { mp4 } = await outputsOf(harness, completion);
      expect(mp4).toMatchObject({
        videoCodec: 'avc',
        audioCodec: 'aac',
        displayWidth: 320,
        displayHeight: 240,
      });
      expect(Math.abs(mp4.durationMs - source.durationMs)).toBeLessThanOrEqual(100);
    });

    it('scales down to the planned size, never past it', async () => {
      const harness = await make();
      const small = { ...defaultVideoRenditionSettings, maxLongSide: 160, maxShortSide: 90 };
      const { job, completion } = await transcode(harness, 'mp4', small);
      expect(job.plan).toMatchObject({ width: 120, height: 90 });
      const { mp4, posterMeta } = await outputsOf(harness, completion);
      expect(mp4).toMatchObject({ width: 120, height: 90, displayWidth: 120, displayHeight: 90 });
      expect(posterMeta).toMatchObject({ width: 120, height: 90 });
    });

    it('brings 4K down to 1080p, with no sound track where the original had none', async () => {
      const harness = await make();
      const { completion } = await transcode(harness, 'over-limit-mp4');
      const { mp4, posterMeta } = await outputsOf(harness, completion);
      expect(mp4).toMatchObject({ displayWidth: 1920, displayHeight: 1080, hasAudio: false });
      expect(posterMeta).toMatchObject({ width: 1920, height: 1080 });
      // A tenth of a second: too short to sample, its poster stands for it.
      expect(completion.status === 'done' && completion.outputs.frames).toEqual([]);
    });

    it.each([
      ['an original that cannot be decoded', 'bad-codec-config-mp4'],
      ['an original cut short', 'cut-short-mp4'],
      ['an original that is gone', undefined],
    ] as const)('fails for good, with a reason and no outputs, on %s', async (_what, source) => {
      const harness = await make();
      const { job, completion } = await transcode(harness, source);
      expect(completion).toMatchObject({ ownerId: job.ownerId, photoId: job.photoId, status: 'failed' });
      expect(completion.status === 'failed' && completion.permanent).toBe(true);
      expect(completion.status === 'failed' && completion.reason.length).toBeGreaterThan(10);
      expect(await harness.store.head(job.outputs.video)).toBeUndefined();
      expect(await harness.store.head(job.outputs.poster)).toBeUndefined();
      for (const key of job.outputs.frames) expect(await harness.store.head(key)).toBeUndefined();
    });
  });
}
