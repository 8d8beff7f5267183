import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { MiB } from '#domain/byte-size.js';
import { VideoTooLargeError } from '#domain/errors.js';
import {
  defaultVideoLimits,
  durationText,
  type VideoFacts,
  VideoLimits,
  videoLimitError,
} from '#domain/video-limits.js';

const GiB = 1024 * MiB;
const within: VideoFacts = { bytes: 100 * MiB, durationMs: 60_000, width: 1920, height: 1080, fps: 30 };

const facts = fc.record({
  bytes: fc.integer({ min: 0, max: 4 * GiB }),
  durationMs: fc.integer({ min: 1, max: 30 * 60_000 }),
  width: fc.integer({ min: 2, max: 8192 }),
  height: fc.integer({ min: 2, max: 8192 }),
  fps: fc.double({ min: 1, max: 240, noNaN: true }),
});

describe('the video limits', () => {
  test.prop([facts])('refuse exactly the videos over one of them', (video) => {
    const l = defaultVideoLimits;
    const over =
      video.bytes > l.maxBytes ||
      video.durationMs > l.maxDurationMs ||
      Math.max(video.width, video.height) > l.maxLongSide ||
      Math.min(video.width, video.height) > l.maxShortSide ||
      Math.round(video.fps) > l.maxFps;
    const error = videoLimitError(video, l);
    expect(error !== undefined).toBe(over);
    if (error) expect(error).toBeInstanceOf(VideoTooLargeError);
  });

  test.prop([facts])('give the same answer either way up (a portrait video is not larger)', (video) => {
    const turned = { ...video, width: video.height, height: video.width };
    expect(videoLimitError(turned, defaultVideoLimits)?.limit).toBe(
      videoLimitError(video, defaultVideoLimits)?.limit,
    );
  });

  it.each([
    [3840, 2160, undefined],
    [2160, 3840, undefined],
    [4096, 2160, 'resolution'],
    [3840, 2161, 'resolution'],
    [2161, 3840, 'resolution'],
    [4096, 2304, 'resolution'],
  ])('take 4K UHD either way up by default: %ix%i is %s', (width, height, limit) => {
    expect(videoLimitError({ ...within, width, height }, defaultVideoLimits)?.limit).toBe(limit);
  });

  it.each([
    [{ bytes: 2 * GiB }, undefined],
    [{ bytes: 2 * GiB + 1 }, 'bytes'],
    [{ durationMs: 600_000 }, undefined],
    [{ durationMs: 600_001 }, 'duration'],
    [{ fps: 60 }, undefined],
    [{ fps: 60.4 }, undefined],
    [{ fps: 60.5 }, 'frame-rate'],
    [{ fps: 120 }, 'frame-rate'],
    [{ fps: undefined }, undefined],
    [{ bytes: undefined }, undefined],
  ])('take 2 GiB, 10 minutes and 60 fps by default: %o is %s', (change, limit) => {
    expect(videoLimitError({ ...within, ...change }, defaultVideoLimits)?.limit).toBe(limit);
  });

  it('names the first limit passed, in the order bytes, duration, resolution, frame rate', () => {
    const everything = { bytes: 3 * GiB, durationMs: 700_000, width: 8000, height: 8000, fps: 240 };
    expect(videoLimitError(everything, defaultVideoLimits)?.limit).toBe('bytes');
    expect(videoLimitError({ ...everything, bytes: 1 }, defaultVideoLimits)?.limit).toBe('duration');
    expect(videoLimitError({ ...everything, bytes: 1, durationMs: 1 }, defaultVideoLimits)?.limit).toBe(
      'resolution',
    );
  });

  it.each([
    [{ bytes: 2.5 * GiB }, 'the file is 2.5 GiB, over the limit of 2 GiB'],
    [{ bytes: 2 * GiB + 1 }, 'the file is 2.000000001 GiB, over the limit of 2 GiB'],
    [{ durationMs: 750_000 }, 'the video is 12 min 30 s, over the limit of 10 min'],
    [{ durationMs: 600_500 }, 'the video is 10 min 0.5 s, over the limit of 10 min'],
    [{ width: 4096, height: 2304 }, 'the picture is 4096x2304, over the limit of 3840x2160 (either way up)'],
    [{ fps: 119.88 }, 'the frame rate is 119.88 fps, over the limit of 60 fps'],
  ])('says what %o is and what the limit is', (change, message) => {
    const error = videoLimitError({ ...within, ...change }, defaultVideoLimits);
    expect(error?.code).toBe('video-too-large');
    expect(error?.message).toBe(message);
  });

  it('says sizes under a GiB in MiB', () => {
    const limits = { ...defaultVideoLimits, maxBytes: 500 * MiB };
    expect(videoLimitError({ ...within, bytes: 600 * MiB }, limits)?.message).toBe(
      'the file is 600 MiB, over the limit of 500 MiB',
    );
  });
});

describe('durationText', () => {
  it.each([
    [0, '0 s'],
    [45_500, '45.5 s'],
    [60_000, '1 min'],
    [750_000, '12 min 30 s'],
    [600_001, '10 min 0.001 s'],
  ])('writes %i ms as %s', (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});

describe('VideoLimits.parse', () => {
  it('takes the defaults', () => {
    expect(VideoLimits.parse(defaultVideoLimits).ok).toBe(true);
  });

  it.each([
    [{ maxBytes: 0 }, 'maxBytes'],
    [{ maxDurationMs: 1.5 }, 'maxDurationMs'],
    [{ maxLongSide: -1 }, 'maxLongSide'],
    [{ maxFps: 0 }, 'maxFps'],
    [{ maxFps: Number.NaN }, 'maxFps'],
    [{ maxShortSide: 4000 }, 'maxShortSide'],
  ])('refuses %o, naming %s', (change, field) => {
    const parsed = VideoLimits.parse({ ...defaultVideoLimits, ...change });
    expect(parsed.ok ? undefined : parsed.error.field).toBe(field);
  });
});
