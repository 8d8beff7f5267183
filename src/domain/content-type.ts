import { UnsupportedMediaTypeError } from './errors.js';
import { err, ok, type Result } from './result.js';

/**
 * The image formats Pixport accepts as originals (videos: `VideoContainer`). `heic` is HEIF with HEVC-coded
 * images (what phones write); `heif` is a file that only says "HEIF" (`mif1`),
 * which the decoder reads when its images are HEVC-coded too.
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'gif' | 'avif' | 'tiff' | 'heic' | 'heif';

/** An image type Pixport accepts, as it appears on the wire. */
export type ImageContentType = `image/${ImageFormat}`;

/**
 * A video type Pixport accepts: MP4, QuickTime MOV, WebM, Matroska (the
 * containers of `VideoContainer`, which maps each to its type).
 */
export type VideoContentType = 'video/mp4' | 'video/quicktime' | 'video/webm' | 'video/x-matroska';

/** A media type Pixport accepts, as it appears on the wire: an image or a video. */
export type ContentType = ImageContentType | VideoContentType;

const MEDIA_TYPES: Record<ImageFormat, ImageContentType> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  gif: 'image/gif',
  avif: 'image/avif',
  tiff: 'image/tiff',
  heic: 'image/heic',
  heif: 'image/heif',
};

const FORMAT_OF: Record<string, ImageFormat> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/avif': 'avif',
  'image/tiff': 'tiff',
  'image/heic': 'heic',
  'image/heif': 'heif',
};

// The declared video types and their aliases; what is stored is what `VideoContainer.sniff` finds.
const VIDEO_TYPE_OF: Record<string, VideoContentType> = {
  'video/mp4': 'video/mp4',
  'video/quicktime': 'video/quicktime',
  'video/webm': 'video/webm',
  'video/x-matroska': 'video/x-matroska',
  'video/matroska': 'video/x-matroska',
};

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0): boolean =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

const ascii = (bytes: Uint8Array, from: number, to: number): string =>
  String.fromCharCode(...bytes.subarray(from, Math.min(to, bytes.length)));

/** The ISO-BMFF brands of an `ftyp` box: the major brand and the compatible ones. */
export const ftypBrands = (bytes: Uint8Array): string[] | undefined => {
  if (bytes.length < 16 || ascii(bytes, 4, 8) !== 'ftyp') return undefined;
  const boxSize =
    (((bytes[0] ?? 0) << 24) | ((bytes[1] ?? 0) << 16) | ((bytes[2] ?? 0) << 8) | (bytes[3] ?? 0)) >>> 0;
  const end = Math.min(bytes.length, Math.max(16, boxSize));
  const brands = [ascii(bytes, 8, 12)];
  for (let i = 16; i + 4 <= end; i += 4) brands.push(ascii(bytes, i, i + 4));
  return brands;
};

// HEVC-coded HEIF: image brands (heic, heix, heim, heis) and the image-sequence ones
// (hevc, hevx), whose files carry a primary image as well. 'mif1'/'msf1' only say "HEIF
// structure" and AVIF files carry them too (often as the major brand, e.g. ftyp mif1 +
// compatible avif): without an AV1 brand they are taken as HEIF, and whether their images
// are HEVC-coded is the decoder's to find out (it refuses other codecs as unsupported).
const HEVC_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis']);
const HEIF_BRANDS = new Set(['mif1', 'msf1']);

/** What the magic bytes say: an accepted format, or a name for what was found instead. */
export type Sniffed =
  | { readonly kind: 'image'; readonly format: ImageFormat }
  | { readonly kind: 'other'; readonly what: string };

const VIDEO_TYPES: readonly VideoContentType[] = [...new Set(Object.values(VIDEO_TYPE_OF))];

export const ContentType = {
  /** Every accepted type, images then videos. */
  accepted: [...Object.values(MEDIA_TYPES), ...VIDEO_TYPES] as readonly ContentType[],

  /** The accepted image types only: what the image pipeline takes. */
  images: Object.values(MEDIA_TYPES) as readonly ImageContentType[],

  /** The accepted video types only. */
  videos: VIDEO_TYPES,

  /** Every type a client may declare (aliases such as image/jpg included), lower case, without parameters. */
  declarable: [...Object.keys(FORMAT_OF), ...Object.keys(VIDEO_TYPE_OF)],

  of(format: ImageFormat): ImageContentType {
    return MEDIA_TYPES[format];
  },

  /** Whether the type is a video's. */
  isVideo(type: ContentType): type is VideoContentType {
    return type.startsWith('video/');
  },

  /**
   * The client's declared type, image or video, checked against the accepted
   * list. Only a first filter: the stored type is always the sniffed one.
   */
  parseDeclared(value: string): Result<ContentType, UnsupportedMediaTypeError> {
    const base = value.split(';')[0]?.trim().toLowerCase() ?? '';
    const format = FORMAT_OF[base];
    if (format) return ok(MEDIA_TYPES[format]);
    const video = VIDEO_TYPE_OF[base];
    if (video) return ok(video);
    return err(
      new UnsupportedMediaTypeError(
        `${base || 'an empty type'} is not an accepted image or video type; send one of ${ContentType.accepted.join(', ')}`,
        base,
      ),
    );
  },

  /**
   * Reads an image format from magic bytes; never from a name or a header. 32
   * bytes are enough. Videos are `other` here: `VideoContainer.sniff` reads them.
   */
  sniff(bytes: Uint8Array): Sniffed {
    if (startsWith(bytes, [0xff, 0xd8, 0xff])) return { kind: 'image', format: 'jpeg' };
    if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
      return { kind: 'image', format: 'png' };
    if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')
      return { kind: 'image', format: 'gif' };
    if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP')
      return { kind: 'image', format: 'webp' };
    if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
      return { kind: 'image', format: 'tiff' };
    }
    const brands = ftypBrands(bytes);
    if (brands) {
      if (brands[0] === 'avif' || brands[0] === 'avis') return { kind: 'image', format: 'avif' };
      if (brands.some((b) => HEVC_BRANDS.has(b))) return { kind: 'image', format: 'heic' };
      if (brands.includes('avif') || brands.includes('avis')) return { kind: 'image', format: 'avif' };
      if (brands.some((b) => HEIF_BRANDS.has(b))) return { kind: 'image', format: 'heif' };
      return { kind: 'other', what: 'an ISO media file' };
    }
    if (bytes.length === 0) return { kind: 'other', what: 'an empty file' };
    const head = ascii(bytes, 0, 256).trimStart().toLowerCase();
    if (head.startsWith('<svg') || (head.startsWith('<?xml') && head.includes('<svg')))
      return { kind: 'other', what: 'SVG' };
    if (head.startsWith('<!doctype html') || head.startsWith('<html')) return { kind: 'other', what: 'HTML' };
    if (startsWith(bytes, [0x4d, 0x5a])) return { kind: 'other', what: 'a Windows executable' };
    if (startsWith(bytes, [0x7f, 0x45, 0x4c, 0x46])) return { kind: 'other', what: 'an ELF executable' };
    if (ascii(bytes, 0, 5) === '%PDF-') return { kind: 'other', what: 'PDF' };
    return { kind: 'other', what: 'an unrecognised format' };
  },
};
