import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { defaultRenditionSettings, type Preset } from '#domain/presets.js';
import {
  coverBox,
  fitInside,
  largestNeeded,
  orientedSize,
  planRendition,
  type Size,
} from '#domain/sizing.js';
import { boxSize, imageSize, orientation } from './arbitraries.js';

/**
 * True when some real scale s puts `actual` within `delta` px of `ideal * s` on
 * both sides, i.e. `actual` has the aspect ratio of `ideal` up to `delta` px of
 * rounding per side. Cross-multiplied so that no division (or division by zero)
 * is involved: the intervals [(a.w - d) / i.w, (a.w + d) / i.w] and
 * [(a.h - d) / i.h, (a.h + d) / i.h] of admissible scales must overlap.
 * Every product is below 2^53, so the comparison is exact.
 */
const sameAspectWithin = (actual: Size, ideal: Size, delta: number): boolean =>
  (actual.width - delta) * ideal.height <= (actual.height + delta) * ideal.width &&
  (actual.height - delta) * ideal.width <= (actual.width + delta) * ideal.height;

const fits = (size: Size, box: Size): boolean => size.width <= box.width && size.height <= box.height;

/**
 * Rounding to whole pixels moves a side by at most half a pixel; the 1 px floor
 * can move a side whose ideal length is under half a pixel by up to 1 px.
 */
const roundingTolerance = (idealWidth: number, idealHeight: number): number =>
  Math.min(idealWidth, idealHeight) >= 0.5 ? 0.5 : 1;

describe('fitInside', () => {
  test.prop([imageSize(), boxSize()])('never enlarges', (source, box) => {
    const out = fitInside(source, box);
    expect(out.width).toBeLessThanOrEqual(source.width);
    expect(out.height).toBeLessThanOrEqual(source.height);
  });

  test.prop([imageSize(), boxSize()])('fits inside the box', (source, box) => {
    expect(fits(fitInside(source, box), box)).toBe(true);
  });

  test.prop([imageSize(), boxSize()])('keeps at least 1 px a side', (source, box) => {
    const out = fitInside(source, box);
    expect(Number.isInteger(out.width) && out.width >= 1).toBe(true);
    expect(Number.isInteger(out.height) && out.height >= 1).toBe(true);
  });

  test.prop([imageSize(), boxSize()])('keeps the aspect ratio within rounding', (source, box) => {
    const out = fitInside(source, box);
    const s = Math.min(1, box.width / source.width, box.height / source.height);
    const delta = roundingTolerance(source.width * s, source.height * s);
    expect(sameAspectWithin(out, source, delta)).toBe(true);
  });

  test.prop([imageSize(), boxSize()])(
    'touches the box on one side unless it already fitted',
    (source, box) => {
      const out = fitInside(source, box);
      if (!fits(source, box)) expect(out.width === box.width || out.height === box.height).toBe(true);
    },
  );

  test.prop([imageSize(), boxSize()])('is idempotent', (source, box) => {
    const once = fitInside(source, box);
    expect(fitInside(once, box)).toEqual(once);
  });

  test.prop([imageSize(), boxSize(), boxSize()])('is monotonic in the box', (source, a, b) => {
    const small = { width: Math.min(a.width, b.width), height: Math.min(a.height, b.height) };
    const big = { width: Math.max(a.width, b.width), height: Math.max(a.height, b.height) };
    const fromSmall = fitInside(source, small);
    const fromBig = fitInside(source, big);
    expect(fromBig.width).toBeGreaterThanOrEqual(fromSmall.width);
    expect(fromBig.height).toBeGreaterThanOrEqual(fromSmall.height);
  });

  test.prop([boxSize(), fc.integer({ min: 0, max: 4096 }), fc.integer({ min: 0, max: 4096 })])(
    'returns a size that already fits unchanged',
    (source, extraWidth, extraHeight) => {
      const box = { width: source.width + extraWidth, height: source.height + extraHeight };
      expect(fitInside(source, box)).toEqual(source);
    },
  );
});

describe('coverBox', () => {
  test.prop([imageSize(), boxSize()])('crops a window that lies inside the source', (source, box) => {
    const { crop } = coverBox(source, box);
    for (const n of [crop.left, crop.top, crop.width, crop.height]) expect(Number.isInteger(n)).toBe(true);
    expect(crop.left).toBeGreaterThanOrEqual(0);
    expect(crop.top).toBeGreaterThanOrEqual(0);
    expect(crop.width).toBeGreaterThanOrEqual(1);
    expect(crop.height).toBeGreaterThanOrEqual(1);
    expect(crop.left + crop.width).toBeLessThanOrEqual(source.width);
    expect(crop.top + crop.height).toBeLessThanOrEqual(source.height);
  });

  test.prop([imageSize(), boxSize()])(
    'crops the largest window: one full side of the source',
    (source, box) => {
      const { crop } = coverBox(source, box);
      expect(crop.width === source.width || crop.height === source.height).toBe(true);
    },
  );

  test.prop([imageSize(), boxSize()])('centres the crop window to within a pixel', (source, box) => {
    const { crop } = coverBox(source, box);
    const right = source.width - crop.left - crop.width;
    const bottom = source.height - crop.top - crop.height;
    expect(right - crop.left).toBeGreaterThanOrEqual(0);
    expect(right - crop.left).toBeLessThanOrEqual(1);
    expect(bottom - crop.top).toBeGreaterThanOrEqual(0);
    expect(bottom - crop.top).toBeLessThanOrEqual(1);
  });

  test.prop([imageSize(), boxSize()])('crops to the box aspect ratio within rounding', (source, box) => {
    const { crop } = coverBox(source, box);
    // The ideal window keeps one full side and derives the other from the box's aspect ratio.
    const s = Math.min(source.width / box.width, source.height / box.height);
    const delta = roundingTolerance(box.width * s, box.height * s);
    expect(sameAspectWithin(crop, box, delta)).toBe(true);
  });

  test.prop([imageSize(), boxSize()])(
    'never enlarges: the output fits the box and the crop window',
    (source, box) => {
      const { crop, output } = coverBox(source, box);
      expect(output.width).toBeGreaterThanOrEqual(1);
      expect(output.height).toBeGreaterThanOrEqual(1);
      expect(fits(output, box)).toBe(true);
      expect(fits(output, crop)).toBe(true);
    },
  );

  test.prop([imageSize(), boxSize()])('outputs the box aspect ratio within rounding', (source, box) => {
    const { crop, output } = coverBox(source, box);
    // The output is the box scaled by u, rounded: half a pixel a side, or up to 1 px at the 1 px floor.
    const u = Math.min(1, crop.width / box.width, crop.height / box.height);
    const delta = roundingTolerance(box.width * u, box.height * u);
    expect(sameAspectWithin(output, box, delta)).toBe(true);
  });

  test.prop([imageSize(), boxSize()])('outputs exactly the box when the source covers it', (source, box) => {
    fc.pre(source.width >= box.width && source.height >= box.height);
    expect(coverBox(source, box).output).toEqual(box);
  });

  test.prop([imageSize(), boxSize()])(
    'is idempotent: covering the output again keeps it whole and unchanged',
    (source, box) => {
      const { output } = coverBox(source, box);
      const again = coverBox(output, box);
      expect(again.output).toEqual(output);
      expect(again.crop).toEqual({ left: 0, top: 0, width: output.width, height: output.height });
    },
  );

  /** Any focus point: inside the source, past its edges, or no number at all. */
  const focus = fc.record({
    x: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN)),
    y: fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.POSITIVE_INFINITY)),
  });

  test.prop([imageSize(), boxSize(), focus])(
    'keeps a window on a focus inside the source, of the same size and output',
    (source, box, point) => {
      const centred = coverBox(source, box);
      const { crop, output } = coverBox(source, box, point);
      for (const n of [crop.left, crop.top]) expect(Number.isInteger(n)).toBe(true);
      expect(crop.left).toBeGreaterThanOrEqual(0);
      expect(crop.top).toBeGreaterThanOrEqual(0);
      expect(crop.left + crop.width).toBeLessThanOrEqual(source.width);
      expect(crop.top + crop.height).toBeLessThanOrEqual(source.height);
      expect({ width: crop.width, height: crop.height }).toEqual({
        width: centred.crop.width,
        height: centred.crop.height,
      });
      expect(output).toEqual(centred.output);
    },
  );

  test.prop([
    imageSize(),
    boxSize(),
    fc.double({ min: 0, max: 1, noNaN: true }),
    fc.double({ min: 0, max: 1, noNaN: true }),
  ])('centres the window on the focus to within a pixel, unless it meets the edge', (source, box, fx, fy) => {
    const point = { x: fx * source.width, y: fy * source.height };
    const { crop } = coverBox(source, box, point);
    /** Along one axis: the window's start and length, the source's length, the focus. */
    const placed = (start: number, length: number, side: number, at: number) => {
      if (length === side) return; // the window spans this side: nothing to place
      const centre = start + length / 2;
      if (start === 0) expect(at).toBeLessThan(centre + 1);
      else if (start + length === side) expect(at).toBeGreaterThanOrEqual(centre);
      else expect(Math.abs(centre - at)).toBeLessThan(1);
    };
    placed(crop.left, crop.width, source.width, point.x);
    placed(crop.top, crop.height, source.height, point.y);
  });

  test.prop([imageSize(), boxSize()])(
    'crops as without a focus when focused on the centre',
    (source, box) => {
      expect(coverBox(source, box, { x: source.width / 2, y: source.height / 2 })).toEqual(
        coverBox(source, box),
      );
    },
  );

  test.prop([imageSize(), boxSize(1024), fc.integer({ min: 1, max: 4 })])(
    'is monotonic under uniform scaling of the box',
    (source, box, k) => {
      const small = coverBox(source, box).output;
      const big = coverBox(source, { width: box.width * k, height: box.height * k }).output;
      expect(big.width).toBeGreaterThanOrEqual(small.width);
      expect(big.height).toBeGreaterThanOrEqual(small.height);
    },
  );
});

describe('orientedSize', () => {
  test.prop([imageSize(), orientation])('swaps the axes for orientations 5-8 only', (size, o) => {
    const out = orientedSize(size, o);
    if (o >= 5) expect(out).toEqual({ width: size.height, height: size.width });
    else expect(out).toEqual(size);
  });

  test.prop([imageSize(), orientation])('applied twice is the identity', (size, o) => {
    expect(orientedSize(orientedSize(size, o), o)).toEqual(size);
  });
});

const preset: fc.Arbitrary<Preset> = fc.record({
  name: fc.constantFrom('thumb', 'preview', 'large', 'x'),
  width: fc.integer({ min: 1, max: 4096 }),
  height: fc.integer({ min: 1, max: 4096 }),
  fit: fc.constantFrom('inside' as const, 'cover' as const),
});

describe('planRendition and largestNeeded', () => {
  test.prop([imageSize(), orientation, preset])(
    'plans inside the oriented source and the preset box',
    (stored, o, p) => {
      const source = orientedSize(stored, o);
      const plan = planRendition(stored, o, p);
      expect(plan.preset).toBe(p.name);
      expect(plan.crop.left + plan.crop.width).toBeLessThanOrEqual(source.width);
      expect(plan.crop.top + plan.crop.height).toBeLessThanOrEqual(source.height);
      expect(fits(plan.output, { width: p.width, height: p.height })).toBe(true);
      expect(fits(plan.output, plan.crop)).toBe(true);
    },
  );

  test.prop([
    imageSize(),
    orientation,
    preset,
    fc.record({ x: fc.double({ min: -1e5, max: 1e5 }), y: fc.double({ min: -1e5, max: 1e5 }) }),
  ])(
    'plans a focused cover crop inside the oriented source, at the unfocused size',
    (stored, o, p, point) => {
      const source = orientedSize(stored, o);
      const focused = planRendition(stored, o, p, point);
      const plain = planRendition(stored, o, p);
      expect(focused.crop.left).toBeGreaterThanOrEqual(0);
      expect(focused.crop.top).toBeGreaterThanOrEqual(0);
      expect(focused.crop.left + focused.crop.width).toBeLessThanOrEqual(source.width);
      expect(focused.crop.top + focused.crop.height).toBeLessThanOrEqual(source.height);
      expect(focused.output).toEqual(plain.output);
      expect([focused.crop.width, focused.crop.height]).toEqual([plain.crop.width, plain.crop.height]);
      // A focus moves only cover crops: an inside preset keeps the whole source.
      if (p.fit === 'inside') expect(focused).toEqual(plain);
    },
  );

  test.prop([imageSize(), orientation, fc.array(preset, { minLength: 1, maxLength: 5 })])(
    'decodes large enough for every preset, never above the oriented source',
    (stored, o, presets) => {
      const source = orientedSize(stored, o);
      const needed = largestNeeded(stored, o, presets);
      expect(fits(needed, source)).toBe(true);
      expect(needed.width).toBeGreaterThanOrEqual(1);
      expect(needed.height).toBeGreaterThanOrEqual(1);
      for (const p of presets) {
        const plan = planRendition(stored, o, p);
        expect(fits(plan.output, needed)).toBe(true);
        // The crop window, once the source is shrunk to `needed`, still has the output's pixels
        // (up to the half pixel that rounding `needed` can cost).
        const cropWidth = (plan.crop.width * needed.width) / source.width;
        const cropHeight = (plan.crop.height * needed.height) / source.height;
        expect(cropWidth).toBeGreaterThanOrEqual(plan.output.width - 0.5);
        expect(cropHeight).toBeGreaterThanOrEqual(plan.output.height - 0.5);
      }
    },
  );
});

describe('sizing examples', () => {
  const box = { width: 1024, height: 1024 };
  const square = { width: 256, height: 256 };

  it('leaves 1x1 alone', () => {
    expect(fitInside({ width: 1, height: 1 }, box)).toEqual({ width: 1, height: 1 });
    expect(coverBox({ width: 1, height: 1 }, square)).toEqual({
      crop: { left: 0, top: 0, width: 1, height: 1 },
      output: { width: 1, height: 1 },
    });
  });

  it('fits 1x65535 and 65535x1 with a 1 px floor', () => {
    expect(fitInside({ width: 1, height: 65_535 }, box)).toEqual({ width: 1, height: 1024 });
    expect(fitInside({ width: 65_535, height: 1 }, box)).toEqual({ width: 1024, height: 1 });
  });

  it('covers 1x65535 and 65535x1 with a 1x1 centred window', () => {
    expect(coverBox({ width: 1, height: 65_535 }, square)).toEqual({
      crop: { left: 0, top: 32_767, width: 1, height: 1 },
      output: { width: 1, height: 1 },
    });
    expect(coverBox({ width: 65_535, height: 1 }, square)).toEqual({
      crop: { left: 32_767, top: 0, width: 1, height: 1 },
      output: { width: 1, height: 1 },
    });
  });

  it('moves a square thumb of a landscape photo to a subject near its right edge', () => {
    const source = { width: 4000, height: 3000 };
    expect(coverBox(source, square, { x: 3700, y: 1500 })).toEqual({
      crop: { left: 1000, top: 0, width: 3000, height: 3000 },
      output: square,
    });
    expect(coverBox(source, square, { x: 2300, y: 200 }).crop).toEqual({
      left: 800,
      top: 0,
      width: 3000,
      height: 3000,
    });
  });

  it('keeps a source exactly the size of the box', () => {
    expect(fitInside(box, box)).toEqual(box);
    expect(coverBox(square, square)).toEqual({
      crop: { left: 0, top: 0, width: 256, height: 256 },
      output: square,
    });
  });

  it('plans an orientation-6 12 MP photo', () => {
    const stored = { width: 4000, height: 3000 };
    expect(orientedSize(stored, 6)).toEqual({ width: 3000, height: 4000 });
    const plans = defaultRenditionSettings.presets.map((p) => planRendition(stored, 6, p));
    expect(plans).toEqual([
      {
        preset: 'thumb',
        crop: { left: 0, top: 500, width: 3000, height: 3000 },
        output: { width: 256, height: 256 },
      },
      {
        preset: 'preview',
        crop: { left: 0, top: 0, width: 3000, height: 4000 },
        output: { width: 768, height: 1024 },
      },
      {
        preset: 'large',
        crop: { left: 0, top: 0, width: 3000, height: 4000 },
        output: { width: 1536, height: 2048 },
      },
    ]);
    expect(largestNeeded(stored, 6, defaultRenditionSettings.presets)).toEqual({
      width: 1536,
      height: 2048,
    });
  });
});
