import { describe, expect, it } from 'vitest';
import { UuidV7IdGenerator } from '../../../src/adapters/system/uuid-v7-id-generator.js';
import { PhotoId } from '../../../src/domain/photo-id.js';

const T0 = Date.parse('2026-03-01T12:00:00Z');

const expectStrictlyIncreasing = (ids: readonly string[]) => {
  for (let i = 1; i < ids.length; i++) {
    if (!((ids[i] as string) > (ids[i - 1] as string))) {
      expect.fail(`id ${i} (${ids[i]}) does not sort after id ${i - 1} (${ids[i - 1]})`);
    }
  }
};

describe('UuidV7IdGenerator', () => {
  it('makes valid lower-case UUIDv7 ids', () => {
    const ids = new UuidV7IdGenerator();
    for (let i = 0; i < 100; i++) expect(PhotoId.parse(ids.newPhotoId()).ok).toBe(true);
  });

  it('carries the time of its clock', () => {
    let now = T0;
    const ids = new UuidV7IdGenerator(() => now);
    expect(PhotoId.timestampOf(ids.newPhotoId())).toBe(T0);
    now = T0 + 12_345;
    expect(PhotoId.timestampOf(ids.newPhotoId())).toBe(T0 + 12_345);
  });

  it('counts up within one millisecond: 10,000 ids at a fixed time sort in order', () => {
    const ids = new UuidV7IdGenerator(() => T0);
    const made = Array.from({ length: 10_000 }, () => ids.newPhotoId());
    for (const id of [made[0], made[5000], made[9999]]) expect(PhotoId.parse(id).ok).toBe(true);
    expect(made.every((id) => PhotoId.pattern.test(id))).toBe(true);
    expectStrictlyIncreasing(made);
    expect(made.every((id) => PhotoId.timestampOf(id) === T0)).toBe(true);
  });

  it('keeps increasing when the clock goes backwards', () => {
    const times = [T0, T0 + 5, T0 - 1000, T0 - 1000, T0 + 3, T0 + 5, T0 + 6, T0 - 60_000, T0 + 7];
    let i = 0;
    const ids = new UuidV7IdGenerator(() => times[i++ % times.length] as number);
    const made = Array.from({ length: 5_000 }, () => ids.newPhotoId());
    expect(made.every((id) => PhotoId.pattern.test(id))).toBe(true);
    expectStrictlyIncreasing(made);
  });

  it('keeps increasing across millisecond ticks', () => {
    let now = T0;
    const ids = new UuidV7IdGenerator(() => now);
    const made: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      if (i % 7 === 0) now++;
      made.push(ids.newPhotoId());
    }
    expectStrictlyIncreasing(made);
  });

  it('does not repeat ids across generators (random bits differ)', () => {
    const a = new UuidV7IdGenerator(() => T0).newPhotoId();
    const b = new UuidV7IdGenerator(() => T0).newPhotoId();
    expect(a).not.toBe(b);
  });
});
