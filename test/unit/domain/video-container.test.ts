import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ContentType } from '#domain/content-type.js';
import { UnsupportedVideoError } from '#domain/errors.js';
import { VideoContainer } from '#domain/video-container.js';

const bytesOf = (text: string): number[] => Array.from(text, (c) => c.charCodeAt(0));
const concat = (...parts: ArrayLike<number>[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const u32 = (n: number): number[] => [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
const ftyp = (major: string, compatible: string[]): Uint8Array =>
  concat(
    u32(16 + 4 * compatible.length),
    bytesOf('ftyp'),
    bytesOf(major),
    [0, 0, 2, 0],
    ...compatible.map(bytesOf),
  );

/** An EBML element with a one-byte size. */
const element = (id: number[], payload: number[]): number[] => [...id, 0x80 | payload.length, ...payload];
/** The EBML header ffmpeg writes (8-byte size, as ffmpeg spells it), with this DocType. */
const ebml = (docType: string): Uint8Array => {
  const body = [
    ...element([0x42, 0x86], [1]),
    ...element([0x42, 0xf7], [1]),
    ...element([0x42, 0xf2], [4]),
    ...element([0x42, 0xf3], [8]),
    ...element([0x42, 0x82], bytesOf(docType)),
    ...element([0x42, 0x87], [4]),
    ...element([0x42, 0x85], [2]),
  ];
  return concat(
    [0x1a, 0x45, 0xdf, 0xa3, 0x01, 0, 0, 0, 0, 0, 0, body.length],
    body,
    [0x18, 0x53, 0x80, 0x67],
  );
};
const riff = (form: string): Uint8Array =>
  concat(bytesOf('RIFF'), [0x08, 0xd8, 0, 0], bytesOf(form), bytesOf('LIST'));

const IMAGE_BRANDS = ['avif', 'avis', 'heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'mif1', 'msf1'];
const VIDEO_BRANDS = ['isom', 'iso2', 'iso8', 'mp41', 'mp42', 'avc1', 'M4V ', '3gp4', '3g2a', 'dash', 'qt  '];
const OTHER_BRANDS = ['M4A ', 'crx ', 'jp2 ', 'miaf', 'MA1B', 'XXXX'];

describe('VideoContainer.sniff', () => {
  it.each([
    // ffmpeg's default MP4 and an Android phone's.
    [ftyp('isom', ['isom', 'iso2', 'avc1', 'mp41']), 'mp4'],
    [ftyp('mp42', ['isom', 'mp42']), 'mp4'],
    // An iPhone's MOV: the QuickTime brand only.
    [ftyp('qt  ', ['qt  ']), 'mov'],
    // An older phone's 3GPP, Apple's M4V, a DASH segment.
    [ftyp('3gp4', ['isom', '3gp4']), 'mp4'],
    [ftyp('M4V ', ['M4V ', 'M4A ', 'mp42', 'isom']), 'mp4'],
    [ftyp('dash', ['iso6', 'mp41']), 'mp4'],
    // An unknown major brand: the compatible ones decide.
    [ftyp('XAVX', ['qt  ']), 'mov'],
    [ftyp('XAVX', ['iso6']), 'mp4'],
    [ebml('webm'), 'webm'],
    [ebml('matroska'), 'matroska'],
    // The header cut before its DocType: Matroska, which the parser then confirms or not.
    [ebml('webm').subarray(0, 20), 'matroska'],
  ] as const)('reads %o as %s', (bytes, container) => {
    expect(VideoContainer.sniff(bytes)).toEqual({ kind: 'video', container });
  });

  it.each([
    [riff('AVI '), 'AVI'],
    [riff('AVIX'), 'AVI'],
    [riff('WAVE'), 'WAV audio'],
    [riff('WEBP'), 'a WebP image'],
    [ftyp('heic', ['mif1', 'heic', 'iso8']), 'a HEIF or AVIF image'],
    [ftyp('avif', ['avif', 'mif1', 'miaf']), 'a HEIF or AVIF image'],
    [ftyp('isom', ['isom', 'avif']), 'a HEIF or AVIF image'],
    [ftyp('M4A ', ['M4A ', 'mp42', 'isom']), 'audio (M4A)'],
    [ftyp('crx ', ['crx ']), 'an ISO media file of brand "crx"'],
    [concat(u32(8), bytesOf('moov')), 'an old QuickTime movie without a file type box'],
    [ebml('foo'), 'an EBML file of type "foo"'],
    [
      concat([0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0, 0xaa, 0, 0x62, 0xce, 0x6c]),
      'ASF (WMV)',
    ],
    [concat(bytesOf('FLV'), [1, 5]), 'FLV'],
    [concat(bytesOf('OggS'), [0]), 'Ogg'],
    [concat([0, 0, 1, 0xba], [0x44]), 'an MPEG program stream'],
    [concat([0x47], new Uint8Array(187), [0x47]), 'an MPEG transport stream'],
    [new Uint8Array([0xff, 0xd8, 0xff]), 'an unrecognised format'],
    [new Uint8Array(), 'an empty file'],
  ])('calls %o %s', (bytes, what) => {
    expect(VideoContainer.sniff(bytes)).toEqual({ kind: 'other', what });
  });

  test.prop([
    fc.constantFrom(...IMAGE_BRANDS, ...VIDEO_BRANDS, ...OTHER_BRANDS),
    fc.array(fc.constantFrom(...IMAGE_BRANDS, ...VIDEO_BRANDS, ...OTHER_BRANDS), { maxLength: 6 }),
  ])('never takes bytes for a video that ContentType takes for an image', (major, compatible) => {
    const bytes = ftyp(major, compatible);
    if (ContentType.sniff(bytes).kind === 'image') expect(VideoContainer.sniff(bytes).kind).toBe('other');
  });

  test.prop([
    fc.oneof(
      fc.uint8Array({ maxLength: 600 }),
      fc.uint8Array({ maxLength: 64 }).map((tail) => concat([0x1a, 0x45, 0xdf, 0xa3], tail)),
      fc.uint8Array({ maxLength: 64 }).map((tail) => concat(u32(tail.length + 8), bytesOf('ftyp'), tail)),
    ),
  ])('answers for any bytes without throwing', (bytes) => {
    expect(['video', 'other']).toContain(VideoContainer.sniff(bytes).kind);
  });
});

describe('VideoContainer', () => {
  it('refuses what it does not take with a reason that names it and what to send instead', () => {
    const error = VideoContainer.refusal('AVI');
    expect(error).toBeInstanceOf(UnsupportedVideoError);
    expect(error.code).toBe('unsupported-video');
    expect(error.message).toBe(
      'the file is AVI, which is not an accepted video format; send MP4, MOV, WebM or Matroska (MKV)',
    );
  });

  it.each([
    ['video/mp4', 'mp4'],
    ['VIDEO/QuickTime; charset=x', 'mov'],
    ['video/webm', 'webm'],
    ['video/x-matroska', 'matroska'],
    ['video/matroska', 'matroska'],
    ['video/x-msvideo', undefined],
    ['image/jpeg', undefined],
  ])('reads the declared type %s as %s', (declared, container) => {
    expect(VideoContainer.ofDeclared(declared)).toBe(container);
  });

  it('stores each container under its media type', () => {
    expect(VideoContainer.accepted.map((c) => VideoContainer.contentType(c))).toEqual([
      'video/mp4',
      'video/quicktime',
      'video/webm',
      'video/x-matroska',
    ]);
  });
});
