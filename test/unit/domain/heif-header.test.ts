import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { readHeifHeader } from '#domain/heif-header.js';
import { orientedSize } from '#domain/sizing.js';
import { heicSample, truncatedHeic, withIspe, withPrimary } from '../../support/heic.js';

const bytesOf = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));
const u16 = (n: number): number[] => [(n >>> 8) & 0xff, n & 0xff];
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const box = (type: string, ...payload: number[][]): number[] => {
  const body = payload.flat();
  return [...u32(8 + body.length), ...bytesOf(type), ...body];
};
const fullBox = (type: string, version: number, ...payload: number[][]): number[] =>
  box(type, [version, 0, 0, 0], ...payload);

/** A transform property of the primary item, in the order it is listed. */
type Transform =
  | { readonly kind: 'irot'; readonly quarters: number }
  | { readonly kind: 'imir'; readonly axis: number }
  | { readonly kind: 'clap'; readonly width: number; readonly height: number };

/**
 * The header of a HEIF file with one HEVC item (id 1, primary) of `width` x
 * `height`, its transforms, and a second, non-primary item (id 2) of another
 * size, so a reader that takes the first or the largest item is caught. No
 * image data: the header is all the reader looks at.
 */
function heifHeader(width: number, height: number, transforms: readonly Transform[]): Uint8Array {
  const properties = [
    fullBox('ispe', 0, u32(width), u32(height)),
    fullBox('ispe', 0, u32(7), u32(5)),
    ...transforms.map((t) => {
      if (t.kind === 'irot') return box('irot', [t.quarters]);
      if (t.kind === 'imir') return box('imir', [t.axis]);
      return box('clap', u32(t.width), u32(1), u32(t.height), u32(1), u32(0), u32(1), u32(0), u32(1));
    }),
  ];
  const primaryProps = [1, ...transforms.map((_, i) => 3 + i)];
  const ipma = fullBox(
    'ipma',
    0,
    u32(2),
    [...u16(1), primaryProps.length, ...primaryProps.map((p) => 0x80 | p)],
    [...u16(2), 1, 0x82],
  );
  const infe = (id: number) => fullBox('infe', 2, u16(id), u16(0), bytesOf('hvc1'), [0]);
  const meta = fullBox(
    'meta',
    0,
    fullBox('hdlr', 0, u32(0), bytesOf('pict'), u32(0), u32(0), u32(0), [0]),
    fullBox('pitm', 0, u16(1)),
    fullBox('iinf', 0, u16(2), infe(2), infe(1)),
    box('iprp', box('ipco', ...properties), ipma),
  );
  return Uint8Array.from([...box('ftyp', bytesOf('heic'), u32(0), bytesOf('mif1heic')), ...meta]);
}

const transform: fc.Arbitrary<Transform> = fc.oneof(
  fc.integer({ min: 0, max: 3 }).map((quarters) => ({ kind: 'irot' as const, quarters })),
  fc.integer({ min: 0, max: 1 }).map((axis) => ({ kind: 'imir' as const, axis })),
  fc
    .record({ width: fc.integer({ min: 1, max: 70_000 }), height: fc.integer({ min: 1, max: 70_000 }) })
    .map((size) => ({ kind: 'clap' as const, ...size })),
);
const side = fc.integer({ min: 1, max: 100_000 });

describe('readHeifHeader', () => {
  it.each([
    ['photo', { itemType: 'hvc1', coded: [400, 300], display: [400, 300], orientation: 1 }],
    // clap 400x300 of 480x320, then irot 3 (a quarter clockwise), as the sample's notes say.
    ['rotated', { itemType: 'hvc1', coded: [480, 320], display: [300, 400], orientation: 6 }],
    ['alpha', { itemType: 'hvc1', coded: [320, 240], display: [320, 240], orientation: 1 }],
    // heif-enc stores 64x48 as a grid of one 64x64 tile, cropped by the grid's own ispe.
    ['two-images', { itemType: 'grid', coded: [64, 48], display: [64, 48], orientation: 1 }],
  ] as const)('reads the primary image of %s.heic', (name, want) => {
    const read = readHeifHeader(heicSample(name));
    expect(read.ok && read.value).toMatchObject({
      itemType: want.itemType,
      coded: { width: want.coded[0], height: want.coded[1] },
      display: { width: want.display[0], height: want.display[1] },
      orientation: want.orientation,
    });
  });

  it('reads the primary item, not the first one, of a file with two images', () => {
    const read = readHeifHeader(withPrimary(heicSample('two-images'), 3));
    expect(read.ok && read.value).toMatchObject({ itemType: 'hvc1', coded: { width: 96, height: 64 } });
  });

  it('carries the ICC profile of the colr box, as a phone writes Display P3', () => {
    const read = readHeifHeader(heicSample('p3'));
    const icc = read.ok ? read.value.icc : undefined;
    // An ICC profile: its size first, 'acsp' at byte 36.
    expect(icc && String.fromCharCode(...icc.subarray(36, 40))).toBe('acsp');
    const plain = readHeifHeader(heicSample('photo'));
    expect(plain.ok && plain.value.icc).toBeUndefined();
  });

  it('reads what an ispe declares, however large, without looking at the image data', () => {
    const read = readHeifHeader(withIspe(heicSample('photo'), 100_000, 100_000));
    expect(read.ok && read.value.coded).toEqual({ width: 100_000, height: 100_000 });
  });

  it('reads the header of a file cut short in its image data', () => {
    expect(readHeifHeader(truncatedHeic(heicSample('rotated')))).toMatchObject({
      ok: true,
      value: { display: { width: 300, height: 400 } },
    });
  });

  it.each([
    ['no meta box', Uint8Array.from(box('ftyp', bytesOf('heic'), u32(0)))],
    ['a meta box cut short', heicSample('photo').slice(0, 100)],
    ['an empty file', new Uint8Array()],
  ])('refuses %s with a reason', (_, bytes) => {
    const read = readHeifHeader(bytes);
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.error).toMatch(/\w+/);
  });

  test.prop([side, side, fc.array(transform, { maxLength: 4 })])(
    'applies clap, irot and imir in their order: the display size, and an orientation that turns to it',
    (width, height, transforms) => {
      let expected = { width, height };
      let quarters = 0;
      for (const t of transforms) {
        if (t.kind === 'clap')
          expected = {
            width: Math.min(expected.width, t.width),
            height: Math.min(expected.height, t.height),
          };
        if (t.kind === 'irot' && t.quarters % 2 === 1)
          expected = { width: expected.height, height: expected.width };
        if (t.kind === 'irot') quarters += t.quarters;
      }
      const read = readHeifHeader(heifHeader(width, height, transforms));
      if (!read.ok) throw new Error(read.error);
      expect(read.value.coded).toEqual({ width, height });
      expect(read.value.display).toEqual(expected);
      expect(read.value.orientation).toBeGreaterThanOrEqual(1);
      expect(read.value.orientation).toBeLessThanOrEqual(8);
      // Mirrors never swap the axes, so the orientation turns by a quarter exactly when the irots do.
      expect(read.value.orientation >= 5).toBe(quarters % 2 === 1);
      // The stored size the planner gets back turns into the display size.
      const stored = orientedSize(read.value.display, read.value.orientation);
      expect(orientedSize(stored, read.value.orientation)).toEqual(read.value.display);
    },
  );

  it.each([
    [[], 1],
    [[{ kind: 'irot', quarters: 1 }], 8],
    [[{ kind: 'irot', quarters: 2 }], 3],
    [[{ kind: 'irot', quarters: 3 }], 6],
    [[{ kind: 'imir', axis: 1 }], 2],
    [[{ kind: 'imir', axis: 0 }], 4],
    // A quarter clockwise, then a left-right flip: the transpose (the right edge ends at the bottom).
    [
      [
        { kind: 'irot', quarters: 3 },
        { kind: 'imir', axis: 1 },
      ],
      5,
    ],
    // A quarter anticlockwise, then a left-right flip: the transverse.
    [
      [
        { kind: 'irot', quarters: 1 },
        { kind: 'imir', axis: 1 },
      ],
      7,
    ],
  ] as [Transform[], number][])('turns %o into EXIF orientation %i', (transforms, orientation) => {
    expect(readHeifHeader(heifHeader(40, 30, transforms))).toMatchObject({
      ok: true,
      value: { orientation },
    });
  });

  test.prop([fc.uint8Array({ maxLength: 600 })])('never throws on arbitrary bytes', (bytes) => {
    expect(typeof readHeifHeader(bytes).ok).toBe('boolean');
  });

  test.prop([fc.nat(), fc.nat({ max: 255 }), fc.nat()])(
    'never throws on a real header with a byte changed or cut anywhere',
    (at, value, cut) => {
      const bytes = heicSample('rotated');
      bytes[at % bytes.length] = value;
      expect(typeof readHeifHeader(bytes.slice(0, cut % (bytes.length + 1))).ok).toBe('boolean');
    },
  );
});
