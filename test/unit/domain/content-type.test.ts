import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ContentType, type ImageFormat } from '#domain/content-type.js';
import { UnsupportedMediaTypeError } from '#domain/errors.js';
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
const HEVC_BRANDS = ['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis'];
const ftyp = (major: string, compatible: string[]): Uint8Array => {
  const size = 16 + 4 * compatible.length;
  return concat(u32(size), bytesOf('ftyp'), bytesOf(major), [0, 0, 0, 0], ...compatible.map(bytesOf));
};

/** Minimal headers that identify each accepted format. */
const header: Record<ImageFormat, fc.Arbitrary<Uint8Array>> = {
  jpeg: fc.constant(new Uint8Array([0xff, 0xd8, 0xff])),
  png: fc.constant(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  gif: fc.constantFrom('GIF87a', 'GIF89a').map((m) => new Uint8Array(bytesOf(m))),
  webp: fc
    .uint8Array({ minLength: 4, maxLength: 4 })
    .map((size) => concat(bytesOf('RIFF'), size, bytesOf('WEBP'))),
  tiff: fc.constantFrom(new Uint8Array([0x49, 0x49, 0x2a, 0x00]), new Uint8Array([0x4d, 0x4d, 0x00, 0x2a])),
  avif: fc.oneof(
    fc
      .tuple(fc.constantFrom('avif', 'avis'), fc.subarray(['mif1', 'miaf', 'MA1B', 'avif']))
      .map(([major, compatible]) => ftyp(major, compatible)),
    // The major brand may be the generic HEIF one: listing 'avif' is what makes it AVIF.
    fc.constantFrom('mif1', 'miaf').map((major) => ftyp(major, ['avif', 'mif1', 'miaf'])),
  ),
  // An HEVC brand, as major or compatible brand, whatever else is listed (an AV1 brand too).
  heic: fc.oneof(
    fc
      .tuple(fc.constantFrom(...HEVC_BRANDS), fc.subarray(['mif1', 'msf1', 'miaf', 'MiHB', 'MiHE']))
      .map(([major, compatible]) => ftyp(major, compatible)),
    fc
      .tuple(fc.constantFrom('mif1', 'msf1', 'miaf'), fc.constantFrom(...HEVC_BRANDS), fc.boolean())
      .map(([major, hevc, av1]) => ftyp(major, av1 ? ['mif1', 'avif', hevc] : ['mif1', hevc])),
  ),
  // Only the generic HEIF brands: the decoder finds out what codes the images.
  heif: fc
    .tuple(fc.constantFrom('mif1', 'msf1'), fc.subarray(['mif1', 'msf1', 'miaf']))
    .map(([major, compatible]) => ftyp(major, compatible)),
};

/** Does `bytes` carry the magic of `format`? Written independently of the sniffer. */
const hasMagic = (format: ImageFormat, b: Uint8Array): boolean => {
  const text = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  switch (format) {
    case 'jpeg':
      return b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
    case 'png':
      return text(0, 8) === '\x89PNG\r\n\x1a\n';
    case 'gif':
      return text(0, 6) === 'GIF87a' || text(0, 6) === 'GIF89a';
    case 'webp':
      return text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP';
    case 'tiff':
      return text(0, 4) === 'II*\0' || text(0, 4) === 'MM\0*';
    case 'avif':
      return brandsOf(b).some((brand) => brand === 'avif' || brand === 'avis');
    case 'heic':
      return brandsOf(b).some((brand) => HEVC_BRANDS.includes(brand));
    case 'heif':
      return brandsOf(b).some((brand) => brand === 'mif1' || brand === 'msf1');
  }
};

/** The brands of an ISO-BMFF `ftyp` box at the start of `b`, or none. */
function brandsOf(b: Uint8Array): string[] {
  const text = (from: number, to: number) => String.fromCharCode(...b.subarray(from, to));
  if (text(4, 8) !== 'ftyp') return [];
  const size = ((b[0] ?? 0) * 2 ** 24 + (b[1] ?? 0) * 2 ** 16 + (b[2] ?? 0) * 2 ** 8 + (b[3] ?? 0)) >>> 0;
  const brands = [text(8, 12)];
  for (let i = 16; i + 4 <= Math.min(b.length, Math.max(16, size)); i += 4) brands.push(text(i, i + 4));
  return brands;
}

const formats = Object.keys(header) as ImageFormat[];
const formatWithHeader = fc
  .constantFrom(...formats)
  .chain((format) => header[format].map((h) => [format, h] as const));
const trailing = fc.uint8Array({ maxLength: 64 });

describe('ContentType.sniff', () => {
  test.prop([formatWithHeader, trailing])(
    "recognises each accepted format's magic whatever follows it",
    ([format, head], tail) => {
      expect(ContentType.sniff(concat(head, tail))).toEqual({ kind: 'image', format });
    },
  );

  test.prop([
    fc.oneof(
      fc.uint8Array({ maxLength: 64 }),
      formatWithHeader.chain(([, h]) => trailing.map((t) => concat(h.subarray(0, h.length - 1), t))),
    ),
  ])('never calls bytes an image format whose magic they do not start with', (bytes) => {
    const sniffed = ContentType.sniff(bytes);
    if (sniffed.kind === 'image') expect(hasMagic(sniffed.format, bytes)).toBe(true);
  });

  it.each([
    // An iPhone's: the HEIC major brand, then the generic and Apple's own.
    [ftyp('heic', ['mif1', 'MiHB', 'MiHE', 'MiPr', 'miaf', 'heic', 'tmap']), 'heic'],
    // A HEVC image sequence (a burst) still has a primary image.
    [ftyp('msf1', ['msf1', 'hevc', 'iso8']), 'heic'],
    // The generic brand alone: HEIF, whose codec the decoder finds out.
    [ftyp('mif1', ['mif1', 'miaf']), 'heif'],
    // An AV1 brand beside the generic one is AVIF, as before.
    [ftyp('mif1', ['mif1', 'avif']), 'avif'],
    [ftyp('avif', ['mif1', 'heic']), 'avif'],
  ] as const)('reads %o as %s', (bytes, format) => {
    expect(ContentType.sniff(bytes)).toEqual({ kind: 'image', format });
  });

  it.each([
    [new Uint8Array(), 'an empty file'],
    [new Uint8Array(bytesOf('<svg xmlns="http://www.w3.org/2000/svg"/>')), 'SVG'],
    [new Uint8Array(bytesOf('  <?xml version="1.0"?><svg/>')), 'SVG'],
    [new Uint8Array(bytesOf('<!DOCTYPE html><html>')), 'HTML'],
    [new Uint8Array(bytesOf('%PDF-1.7')), 'PDF'],
    [new Uint8Array([0x4d, 0x5a, 0x90, 0x00]), 'a Windows executable'],
    [new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 2, 1]), 'an ELF executable'],
    [ftyp('isom', ['mp41']), 'an ISO media file'],
    [ftyp('qt  ', ['qt  ']), 'an ISO media file'],
    [new Uint8Array([0xff, 0xd8]), 'an unrecognised format'],
  ])('calls %o %s', (bytes, what) => {
    expect(ContentType.sniff(bytes)).toEqual({ kind: 'other', what });
  });
});

const declared: Record<string, string> = {
  'image/jpeg': 'image/jpeg',
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/png': 'image/png',
  'image/webp': 'image/webp',
  'image/gif': 'image/gif',
  'image/avif': 'image/avif',
  'image/tiff': 'image/tiff',
  'image/heic': 'image/heic',
  'image/heif': 'image/heif',
  'video/mp4': 'video/mp4',
  'video/quicktime': 'video/quicktime',
  'video/webm': 'video/webm',
  'video/x-matroska': 'video/x-matroska',
  'video/matroska': 'video/x-matroska',
};

const randomCase = (text: string): fc.Arbitrary<string> =>
  fc
    .array(fc.boolean(), { minLength: text.length, maxLength: text.length })
    .map((upper) => Array.from(text, (c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

describe('ContentType.parseDeclared', () => {
  test.prop([
    fc.constantFrom(...Object.keys(declared)).chain((t) => randomCase(t).map((cased) => [t, cased] as const)),
    fc.constantFrom('', ' ', '\t'),
    fc.constantFrom('', ';', '; charset=binary', ';q=0.9; name="a;b"'),
  ])(
    'accepts the eight image and four video types (and aliases) in any case, with spaces and parameters',
    ([type, cased], space, params) => {
      expect(ContentType.parseDeclared(`${space}${cased}${space}${params}`)).toEqual({
        ok: true,
        value: declared[type],
      });
    },
  );

  test.prop([fc.string({ maxLength: 40 })])(
    'rejects everything else with UnsupportedMediaTypeError',
    (value) => {
      const base = value.split(';')[0]?.trim().toLowerCase() ?? '';
      fc.pre(!(base in declared));
      const parsed = ContentType.parseDeclared(value);
      expect(parsed.ok).toBe(false);
      if (!parsed.ok) expect(parsed.error).toBeInstanceOf(UnsupportedMediaTypeError);
    },
  );

  it.each([
    'image/svg+xml',
    'text/html',
    'image/heic-sequence',
    'application/octet-stream',
    '',
    'image/',
    'image/jpeg2000',
    'jpeg',
    'video/x-msvideo',
    'video/avi',
    'video/mp2t',
    'video/ogg',
    'video/',
  ])('rejects %j', (value) => {
    expect(ContentType.parseDeclared(value).ok).toBe(false);
  });

  it('lists exactly the eight image and four video types', () => {
    expect([...ContentType.accepted].sort()).toEqual([
      'image/avif',
      'image/gif',
      'image/heic',
      'image/heif',
      'image/jpeg',
      'image/png',
      'image/tiff',
      'image/webp',
      'video/mp4',
      'video/quicktime',
      'video/webm',
      'video/x-matroska',
    ]);
    expect(ContentType.videos.every((t) => ContentType.isVideo(t))).toBe(true);
    expect(ContentType.images.some((t) => ContentType.isVideo(t))).toBe(false);
    // The types a video is stored with, by container, are the ones a client may declare.
    for (const container of VideoContainer.accepted) {
      expect(ContentType.videos).toContain(VideoContainer.contentType(container));
    }
    for (const t of ContentType.declarable.filter((d) => d.startsWith('video/'))) {
      const container = VideoContainer.ofDeclared(t);
      expect(container && ContentType.parseDeclared(t)).toEqual({
        ok: true,
        value: container && VideoContainer.contentType(container),
      });
    }
    for (const t of ContentType.accepted)
      expect(ContentType.parseDeclared(t)).toEqual({ ok: true, value: t });
  });
});
