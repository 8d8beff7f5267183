import { ftypBrands, type VideoContentType } from './content-type.js';
import { UnsupportedVideoError } from './errors.js';

/**
 * The video containers Pixport accepts as originals: MP4 and QuickTime MOV
 * (both ISO-BMFF, told apart by the `ftyp` brand), WebM and Matroska (EBML).
 */
export type VideoContainer = 'mp4' | 'mov' | 'webm' | 'matroska';

/** What a video's magic bytes say: an accepted container, or a name for what was found instead. */
export type SniffedVideo =
  | { readonly kind: 'video'; readonly container: VideoContainer }
  | { readonly kind: 'other'; readonly what: string };

const MEDIA_TYPES: Record<VideoContainer, VideoContentType> = {
  mp4: 'video/mp4',
  mov: 'video/quicktime',
  webm: 'video/webm',
  matroska: 'video/x-matroska',
};

const CONTAINER_OF: Record<string, VideoContainer> = {
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'matroska',
  'video/matroska': 'matroska',
};

// Brands of ISO-BMFF files that carry video: the ISO base brands, MPEG-4, 3GPP (older
// phones), DASH, Apple's M4V, Flash's F4V, Sony's XAVC/MSNV. HEIF's `iso8` appears here
// too, which is why image brands are ruled out first.
const MP4_BRANDS = new Set([
  ...['isom', 'iso2', 'iso3', 'iso4', 'iso5', 'iso6', 'iso7', 'iso8', 'iso9'],
  ...['mp41', 'mp42', 'mp71', 'avc1', 'av01', 'dash', 'M4V ', 'M4VH', 'M4VP', 'f4v ', 'mmp4'],
  ...['3gp4', '3gp5', '3gp6', '3gp7', '3gp8', '3gp9', '3gg6', '3g2a', '3g2b', '3g2c'],
  ...['MSNV', 'XAVC', 'NDAS', 'NDSC', 'NDSH', 'NDSM', 'NDSP', 'NDSS', 'NDXC', 'NDXH', 'NDXM', 'NDXP'],
]);
const IMAGE_BRANDS = new Set([
  'avif',
  'avis',
  'heic',
  'heix',
  'hevc',
  'hevx',
  'heim',
  'heis',
  'mif1',
  'msf1',
]);
const AUDIO_BRANDS = new Set(['M4A ', 'M4B ', 'M4P ', 'F4A ', 'F4B ']);
// A QuickTime file from before `ftyp` existed starts with one of these atoms; the
// parser reads a MOV by its `qt  ` brand, so such files are named and refused.
const LEGACY_QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'pnot']);

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

const EBML_MAGIC = [0x1a, 0x45, 0xdf, 0xa3];
const ASF_GUID = [
  0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11, 0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c,
];

/** An EBML variable-length integer at `at`: its value (marker bit kept for ids) and its length. */
const vint = (
  bytes: Uint8Array,
  at: number,
  keepMarker: boolean,
): { value: number; length: number } | undefined => {
  const first = bytes[at];
  if (first === undefined || first === 0) return undefined;
  const length = Math.clz32(first) - 23;
  if (at + length > bytes.length) return undefined;
  let value = keepMarker ? first : first & (0xff >> length);
  for (let i = 1; i < length; i++) value = value * 256 + (bytes[at + i] ?? 0);
  return { value, length };
};

/**
 * The DocType of an EBML header ("webm", "matroska"), or undefined when the
 * bytes end before it. The header is the first element; DocType (0x4282) is one
 * of its children.
 */
const ebmlDocType = (bytes: Uint8Array): string | undefined => {
  const headerSize = vint(bytes, 4, false);
  if (!headerSize) return undefined;
  const end = Math.min(bytes.length, 4 + headerSize.length + headerSize.value);
  for (let at = 4 + headerSize.length; at < end; ) {
    const id = vint(bytes, at, true);
    const size = id && vint(bytes, at + id.length, false);
    if (!id || !size) return undefined;
    const start = at + id.length + size.length;
    if (id.value === 0x4282) {
      return start + size.value <= bytes.length
        ? ascii(bytes, start, start + size.value).replace(/\0+$/, '')
        : undefined;
    }
    at = start + size.value;
  }
  return undefined;
};

// An image brand anywhere makes the file an image, as `ContentType.sniff` reads it: no
// bytes are taken for both. Then the major brand decides, then the compatible ones.
const fromBrands = (brands: readonly string[]): SniffedVideo => {
  const major = brands[0] ?? '';
  if (brands.some((b) => IMAGE_BRANDS.has(b))) return { kind: 'other', what: 'a HEIF or AVIF image' };
  if (major === 'qt  ') return { kind: 'video', container: 'mov' };
  if (AUDIO_BRANDS.has(major)) return { kind: 'other', what: `audio (${major.trim()})` };
  if (MP4_BRANDS.has(major)) return { kind: 'video', container: 'mp4' };
  if (brands.includes('qt  ')) return { kind: 'video', container: 'mov' };
  if (brands.some((b) => MP4_BRANDS.has(b))) return { kind: 'video', container: 'mp4' };
  return { kind: 'other', what: `an ISO media file of brand "${major.trim()}"` };
};

export const VideoContainer = {
  accepted: Object.keys(MEDIA_TYPES) as VideoContainer[],

  /** How many leading bytes `sniff` wants: enough for a long `ftyp` box and an MPEG-TS sync byte. */
  sniffBytes: 512,

  /** The media type a container is stored and served with. */
  contentType(container: VideoContainer): VideoContentType {
    return MEDIA_TYPES[container];
  },

  /**
   * The container a declared video type names (parameters and case ignored), or
   * undefined. Only a first filter: what is stored is what `sniff` finds.
   */
  ofDeclared(value: string): VideoContainer | undefined {
    return CONTAINER_OF[value.split(';')[0]?.trim().toLowerCase() ?? ''];
  },

  /**
   * Reads the container from magic bytes (`sniffBytes` of them are enough),
   * never from a name. Image formats in ISO-BMFF (HEIC, AVIF) are not videos;
   * AVI, MPEG-TS, FLV, WMV and Ogg are named so the refusal says what was sent.
   *
   * @example VideoContainer.sniff(bytesOf('\0\0\0\x14ftypqt  ...')) // { kind: 'video', container: 'mov' }
   */
  sniff(bytes: Uint8Array): SniffedVideo {
    const brands = ftypBrands(bytes);
    if (brands) return fromBrands(brands);
    if (bytes.length >= 8 && LEGACY_QUICKTIME_ATOMS.has(ascii(bytes, 4, 8))) {
      return { kind: 'other', what: 'an old QuickTime movie without a file type box' };
    }
    if (startsWith(bytes, EBML_MAGIC)) {
      const docType = ebmlDocType(bytes);
      if (docType === 'webm') return { kind: 'video', container: 'webm' };
      if (docType === 'matroska' || docType === undefined) return { kind: 'video', container: 'matroska' };
      return { kind: 'other', what: `an EBML file of type "${docType}"` };
    }
    if (ascii(bytes, 0, 4) === 'RIFF') {
      const form = ascii(bytes, 8, 12);
      if (form === 'AVI ' || form === 'AVIX') return { kind: 'other', what: 'AVI' };
      if (form === 'WAVE') return { kind: 'other', what: 'WAV audio' };
      if (form === 'WEBP') return { kind: 'other', what: 'a WebP image' };
    }
    if (startsWith(bytes, ASF_GUID)) return { kind: 'other', what: 'ASF (WMV)' };
    if (ascii(bytes, 0, 3) === 'FLV') return { kind: 'other', what: 'FLV' };
    if (ascii(bytes, 0, 4) === 'OggS') return { kind: 'other', what: 'Ogg' };
    if (startsWith(bytes, [0x00, 0x00, 0x01, 0xba])) return { kind: 'other', what: 'an MPEG program stream' };
    if (bytes[0] === 0x47 && bytes[188] === 0x47) return { kind: 'other', what: 'an MPEG transport stream' };
    if (bytes.length === 0) return { kind: 'other', what: 'an empty file' };
    return { kind: 'other', what: 'an unrecognised format' };
  },

  /**
   * The refusal for what `sniff` did not take, naming it and what to send instead.
   *
   * @example VideoContainer.refusal('AVI').message
   * // 'the file is AVI, which is not an accepted video format; send MP4, MOV, WebM or Matroska (MKV)'
   */
  refusal(what: string): UnsupportedVideoError {
    return new UnsupportedVideoError(
      `the file is ${what}, which is not an accepted video format; send MP4, MOV, WebM or Matroska (MKV)`,
    );
  },
};
