import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InvalidKeyError } from '#domain/errors.js';
import type { OwnerId } from '#domain/owner-id.js';
import type { PhotoId } from '#domain/photo-id.js';
import { StorageKeys } from '#domain/storage-keys.js';
import { ownerId, photoId, presetName, renditionFormat } from './arbitraries.js';

const owner = 'alice' as OwnerId;
const id = '0190a5c4-7b3e-7abc-8def-0123456789ab' as PhotoId;

const rejected = (key: string): void => {
  const parsed = StorageKeys.parse(key);
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) expect(parsed.error).toBeInstanceOf(InvalidKeyError);
};

describe('StorageKeys', () => {
  test.prop([ownerId, photoId])('parses an original key back to its parts', (o, p) => {
    expect(StorageKeys.parse(StorageKeys.original(o, p))).toEqual({
      ok: true,
      value: { kind: 'original', ownerId: o, photoId: p },
    });
  });

  test.prop([ownerId, photoId, presetName, renditionFormat])(
    'parses a rendition key back to its parts',
    (o, p, preset, format) => {
      expect(StorageKeys.parse(StorageKeys.rendition(o, p, preset, format))).toEqual({
        ok: true,
        value: { kind: 'rendition', ownerId: o, photoId: p, preset, format },
      });
    },
  );

  test.prop([ownerId, photoId, presetName, renditionFormat])(
    'builds keys of safe segments only: none empty, none "." or ".."',
    (o, p, preset, format) => {
      for (const key of [StorageKeys.original(o, p), StorageKeys.rendition(o, p, preset, format)]) {
        expect(key).not.toContain('//');
        expect(key.startsWith('/') || key.endsWith('/')).toBe(false);
        for (const segment of key.split('/')) expect(['', '.', '..']).not.toContain(segment);
        // An owner id may hold dots ("a..b" is a valid subject), but never starts with one,
        // so '..' can only appear inside the owner segment, never as a path step.
        if (!o.includes('..')) expect(key).not.toContain('..');
      }
    },
  );

  test.prop([ownerId, photoId, presetName, renditionFormat, fc.string({ minLength: 1 })])(
    'rejects a built key with anything appended or prepended',
    (o, p, preset, format, extra) => {
      for (const key of [StorageKeys.original(o, p), StorageKeys.rendition(o, p, preset, format)]) {
        rejected(`${key}/${extra}`);
        rejected(`${extra}/${key}`);
        rejected(`/${key}`);
        rejected(`${key}/`);
      }
    },
  );

  test.prop([fc.string({ maxLength: 300 })])('rejects arbitrary strings that are not built keys', (key) => {
    const parsed = StorageKeys.parse(key);
    if (parsed.ok) {
      // Only possible if the string is exactly what the builders would produce.
      expect(StorageKeys.build(parsed.value)).toBe(key);
    } else {
      expect(parsed.error).toBeInstanceOf(InvalidKeyError);
    }
  });

  test.prop([ownerId, photoId, presetName, renditionFormat])(
    'parse accepts exactly what the builders produce (rebuilding a parsed key is the identity)',
    (o, p, preset, format) => {
      // Mutate a built key in structured ways; whatever still parses must rebuild to itself.
      const key = StorageKeys.rendition(o, p, preset, format);
      for (const candidate of [
        key.toUpperCase(),
        key.replace('renditions/', 'originals/'),
        key.replace('.', '..'),
      ]) {
        const parsed = StorageKeys.parse(candidate);
        if (parsed.ok) {
          expect(StorageKeys.build(parsed.value)).toBe(candidate);
        }
      }
    },
  );

  it.each([
    ['originals/alice'],
    ['originals/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/extra'],
    ['originals/../0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['originals/./0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['originals//0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['originals/.hidden/0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['originals/alice/../0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['thumbnails/alice/0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['Originals/alice/0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['originals/alice/0190A5C4-7B3E-7ABC-8DEF-0123456789AB'],
    ['originals/alice/0190a5c4-7b3e-4abc-8def-0123456789ab'],
    ['originals/alice/holiday.jpg'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/thumb'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/thumb.png'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/thumb.jpeg'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/.webp'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/Thumb.webp'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/thumb.webp/x'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/../thumb.webp'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/thumb..webp'],
    [''],
  ])('rejects %j', (key) => rejected(key));

  test.prop([ownerId, photoId])("parses a video's MP4 and poster keys back to their parts", (o, p) => {
    expect(StorageKeys.parse(StorageKeys.videoMp4(o, p))).toEqual({
      ok: true,
      value: { kind: 'video', ownerId: o, photoId: p },
    });
    expect(StorageKeys.parse(StorageKeys.videoPoster(o, p))).toEqual({
      ok: true,
      value: { kind: 'poster', ownerId: o, photoId: p },
    });
  });

  it.each([
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/video.webm'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/poster.webp/x'],
    ['renditions/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/Video.mp4'],
    ['originals/alice/0190a5c4-7b3e-7abc-8def-0123456789ab/video.mp4'],
  ])('rejects %j, near a video key', (key) => rejected(key));

  it('builds the documented layout from ids alone', () => {
    expect(StorageKeys.original(owner, id)).toBe(`originals/alice/${id}`);
    expect(StorageKeys.rendition(owner, id, 'thumb', 'jpeg')).toBe(`renditions/alice/${id}/thumb.jpg`);
    expect(StorageKeys.rendition(owner, id, 'large', 'webp')).toBe(`renditions/alice/${id}/large.webp`);
    expect(StorageKeys.videoMp4(owner, id)).toBe(`renditions/alice/${id}/video.mp4`);
    expect(StorageKeys.videoPoster(owner, id)).toBe(`renditions/alice/${id}/poster.jpg`);
  });
});
