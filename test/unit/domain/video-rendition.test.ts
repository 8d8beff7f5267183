import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { Size } from '#domain/sizing.js';
import {
  defaultVideoRenditionSettings,
  MIN_FRAME_INTERVAL_MS,
  planVideoRendition,
  posterTimeMs,
  Rotation,
  rotatedSize,
  sampledFrameTimesMs,
  VideoRenditionSettings,
  videoRenditionSize,
} from '#domain/video-rendition.js';
import { imageSize } from './arbitraries.js';

/** Video frames: 2..16384 px a side (H.264 needs 2 at least; no container goes past 16384 in practice). */
const frame = (min = 2): fc.Arbitrary<Size> =>
  fc.record({ width: fc.integer({ min, max: 16_384 }), height: fc.integer({ min, max: 16_384 }) });

/** Boxes by long and short side, the short no longer than the long. */
const box = fc
  .tuple(fc.integer({ min: 2, max: 8192 }), fc.integer({ min: 2, max: 8192 }))
  .map(([a, b]) => ({ maxLongSide: Math.max(a, b), maxShortSide: Math.min(a, b) }));

const rotation = fc.constantFrom<Rotation>(0, 90, 180, 270);

/** The box laid the way `size` is: landscape (or square) puts the long side across. */
const laid = (size: Size, b: { maxLongSide: number; maxShortSide: number }): Size =>
  size.width >= size.height
    ? { width: b.maxLongSide, height: b.maxShortSide }
    : { width: b.maxShortSide, height: b.maxLongSide };

/** As in sizing.test.ts: some scale puts `actual` within `delta` px of `ideal` on both sides. */
const sameAspectWithin = (actual: Size, ideal: Size, delta: number): boolean =>
  (actual.width - delta) * ideal.height <= (actual.height + delta) * ideal.width &&
  (actual.height - delta) * ideal.width <= (actual.width + delta) * ideal.height;

const evenFloor = (n: number): number => n - (n % 2);

describe('videoRenditionSize', () => {
  test.prop([frame(1), box])('has even sides of 2 px or more', (display, b) => {
    const out = videoRenditionSize(display, b);
    for (const side of [out.width, out.height]) {
      expect(Number.isInteger(side) && side >= 2 && side % 2 === 0).toBe(true);
    }
  });

  test.prop([frame(), box])('never enlarges a frame of 2 px a side or more', (display, b) => {
    const out = videoRenditionSize(display, b);
    expect(out.width).toBeLessThanOrEqual(display.width);
    expect(out.height).toBeLessThanOrEqual(display.height);
  });

  test.prop([frame(1), box])('fits inside the box laid the way the frame is', (display, b) => {
    const out = videoRenditionSize(display, b);
    const inside = laid(display, b);
    expect(out.width <= inside.width && out.height <= inside.height).toBe(true);
  });

  test.prop([frame(), box])('keeps the aspect ratio to a pixel a side (two under a pixel)', (display, b) => {
    const out = videoRenditionSize(display, b);
    const inside = laid(display, b);
    const s = Math.min(1, inside.width / display.width, inside.height / display.height);
    const delta = Math.min(display.width * s, display.height * s) >= 1 ? 1 : 2;
    expect(sameAspectWithin(out, display, delta)).toBe(true);
  });

  test.prop([frame(), box])('touches the box on its limiting side when too large', (display, b) => {
    const inside = laid(display, b);
    if (display.width <= inside.width && display.height <= inside.height) return;
    const out = videoRenditionSize(display, b);
    const limitedByWidth = inside.width / display.width <= inside.height / display.height;
    if (limitedByWidth) expect(out.width).toBe(evenFloor(inside.width));
    else expect(out.height).toBe(evenFloor(inside.height));
  });

  test.prop([frame(), box])('keeps an even size that fits, and is idempotent', (display, b) => {
    const once = videoRenditionSize(display, b);
    expect(videoRenditionSize(once, b)).toEqual(once);
  });

  test.prop([frame(), box, rotation])(
    'commutes with rotation: fitting the rotated frame is rotating the fitted one',
    (stored, b, r) => {
      expect(videoRenditionSize(rotatedSize(stored, r), b)).toEqual(
        rotatedSize(videoRenditionSize(stored, b), r),
      );
    },
  );

  test.prop([fc.integer({ min: 1, max: 16_384 }), box])('keeps a square frame square', (side, b) => {
    const out = videoRenditionSize({ width: side, height: side }, b);
    expect(out.width).toBe(out.height);
  });

  it.each([
    [3840, 2160, 1920, 1080],
    [2160, 3840, 1080, 1920],
    [1920, 1080, 1920, 1080],
    [1280, 720, 1280, 720],
    [321, 241, 320, 240],
    [4096, 2160, 1920, 1012],
    [1440, 1440, 1080, 1080],
    [1081, 1081, 1080, 1080],
    [3000, 10, 1920, 6],
    [1, 1, 2, 2],
  ])('fits %ix%i into 1080p as %ix%i', (width, height, w, h) => {
    expect(videoRenditionSize({ width, height }, defaultVideoRenditionSettings)).toEqual({
      width: w,
      height: h,
    });
  });
});

describe('rotation', () => {
  test.prop([imageSize(), rotation])(
    'swaps the sides for a quarter turn and keeps them otherwise',
    (size, r) => {
      const out = rotatedSize(size, r);
      expect(out).toEqual(r % 180 === 0 ? size : { width: size.height, height: size.width });
      expect(rotatedSize(out, r)).toEqual(size);
    },
  );

  it.each([
    [0, 0],
    [90, 90],
    [-90, 270],
    [450, 90],
    [-180, 180],
    [45, undefined],
    [Number.NaN, undefined],
  ])('reads %d degrees as %s', (degrees, r) => {
    expect(Rotation.of(degrees)).toBe(r);
  });
});

describe('the poster time and the plan', () => {
  test.prop([fc.integer({ min: 0, max: 3_600_000 }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'takes the poster inside the video, 100 ms from its end at the latest',
    (durationMs, posterAt) => {
      const at = posterTimeMs(durationMs, { posterAt });
      expect(Number.isInteger(at) && at >= 0).toBe(true);
      expect(at).toBeLessThanOrEqual(Math.max(0, durationMs - 100));
    },
  );

  it('takes 10% of the duration by default', () => {
    expect(posterTimeMs(20_000, defaultVideoRenditionSettings)).toBe(2000);
    expect(posterTimeMs(50, defaultVideoRenditionSettings)).toBe(0);
  });

  it('plans a portrait phone video at 1080x1920 with its poster at a tenth', () => {
    expect(
      planVideoRendition(
        { displayWidth: 2160, displayHeight: 3840, durationMs: 30_000 },
        defaultVideoRenditionSettings,
      ),
    ).toEqual({ width: 1080, height: 1920, posterAtMs: 3000, frameTimesMs: [7500, 15_000, 22_500] });
  });

  test.prop([fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 0, max: 10 })])(
    'samples frames evenly inside the video, one interval from either end, or none at all',
    (durationMs, count) => {
      const times = sampledFrameTimesMs(durationMs, count);
      expect(times.length === count || times.length === 0).toBe(true);
      if (times.length === 0) {
        // None only when there is nothing to sample or the frames would come too close.
        expect(count === 0 || Math.floor(durationMs / (count + 1)) < MIN_FRAME_INTERVAL_MS).toBe(true);
        return;
      }
      const interval = times[0] ?? 0;
      expect(Number.isInteger(interval) && interval >= MIN_FRAME_INTERVAL_MS).toBe(true);
      expect(times).toEqual(times.map((_, i) => (i + 1) * interval));
      // The last frame is at least an interval before the end: never the last frame, never past it.
      expect(durationMs - (times.at(-1) ?? 0)).toBeGreaterThanOrEqual(interval);
      expect(durationMs - (times.at(-1) ?? 0)).toBeLessThan(interval + count + 1);
    },
  );

  it('samples a quarter, half and three quarters of the way by default, and nothing of a clip under a second', () => {
    const { sampledFrames } = defaultVideoRenditionSettings;
    expect(sampledFrameTimesMs(20_000, sampledFrames)).toEqual([5000, 10_000, 15_000]);
    expect(sampledFrameTimesMs(1003, sampledFrames)).toEqual([250, 500, 750]);
    expect(sampledFrameTimesMs(999, sampledFrames)).toEqual([]);
  });

  it.each([
    [{ maxLongSide: 1 }, 'maxLongSide'],
    [{ maxShortSide: 2000 }, 'maxShortSide'],
    [{ maxLongSide: 1919.5 }, 'maxLongSide'],
    [{ posterAt: 1.5 }, 'posterAt'],
    [{ posterAt: Number.NaN }, 'posterAt'],
    [{ sampledFrames: 11 }, 'sampledFrames'],
    [{ sampledFrames: 1.5 }, 'sampledFrames'],
  ])('refuses settings %o, naming %s', (change, field) => {
    const parsed = VideoRenditionSettings.parse({ ...defaultVideoRenditionSettings, ...change });
    expect(parsed.ok ? undefined : parsed.error.field).toBe(field);
  });
});
