import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { PhotoId } from '#domain/photo-id.js';
import { epochMs, randomBytes10 } from './arbitraries.js';

describe('PhotoId', () => {
  test.prop([epochMs, randomBytes10])('fromParts yields a lower-case UUIDv7 that parses', (ms, random) => {
    const id = PhotoId.fromParts(ms, random);
    expect(PhotoId.parse(id)).toEqual({ ok: true, value: id });
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test.prop([epochMs, randomBytes10])('timestampOf inverts the time', (ms, random) => {
    expect(PhotoId.timestampOf(PhotoId.fromParts(ms, random))).toBe(ms);
  });

  test.prop([epochMs, epochMs, randomBytes10, randomBytes10])(
    'ids from later times sort later as strings',
    (t1, t2, r1, r2) => {
      fc.pre(t1 !== t2);
      const [early, late] = t1 < t2 ? [t1, t2] : [t2, t1];
      expect(PhotoId.fromParts(early, r1) < PhotoId.fromParts(late, r2)).toBe(true);
    },
  );

  test.prop([fc.string()])('parse rejects strings that are not UUIDv7', (s) => {
    fc.pre(!PhotoId.pattern.test(s));
    expect(PhotoId.parse(s).ok).toBe(false);
  });

  it('rejects times outside 48 bits and short randomness', () => {
    const random = new Uint8Array(10);
    expect(() => PhotoId.fromParts(-1, random)).toThrow(RangeError);
    expect(() => PhotoId.fromParts(2 ** 48, random)).toThrow(RangeError);
    expect(() => PhotoId.fromParts(1.5, random)).toThrow(RangeError);
    expect(() => PhotoId.fromParts(0, new Uint8Array(9))).toThrow(RangeError);
  });

  it('rejects upper case, other versions and non-strings', () => {
    const id = PhotoId.fromParts(1_700_000_000_000, new Uint8Array(10).fill(0xab));
    expect(PhotoId.parse(id.toUpperCase()).ok).toBe(false);
    expect(PhotoId.parse(`${id.slice(0, 14)}4${id.slice(15)}`).ok).toBe(false);
    expect(PhotoId.parse(42).ok).toBe(false);
    expect(PhotoId.parse(undefined).ok).toBe(false);
  });
});
