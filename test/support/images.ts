import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { storedPixels } from './orientation.js';
import { seededRandom } from './seeded-random.js';

/**
 * Test images, made when the tests run rather than committed as binaries: each
 * one says in code what it is (size, orientation, metadata, damage), and the
 * repository stays free of opaque fixtures.
 */

/** Options for {@link photoJpeg}. */
export interface PhotoOptions {
  readonly width: number;
  readonly height: number;
  /** Progressive (interlaced) scans instead of baseline. */
  readonly progressive?: boolean;
  readonly quality?: number;
  /** Embed EXIF with GPS coordinates, a camera model and a comment, so a strip can be checked. */
  readonly gps?: boolean;
  /** EXIF orientation tag to write (1-8). */
  readonly orientation?: number;
  /** Seed of the pseudo-random texture, so two photos of one size can differ. */
  readonly seed?: number;
}

/**
 * Raw RGB pixels that compress like a photo: smooth gradients and blobs (sky,
 * walls) under fine grain (sensor noise, foliage), so a JPEG of it is about
 * the size a camera's would be, not the few KB a flat colour gives.
 */
export function photoPixels(width: number, height: number, seed = 1): Uint8Array {
  const random = seededRandom(seed);
  // Clamped, so bright blobs saturate like a photo's highlights instead of wrapping to black.
  const pixels = new Uint8ClampedArray(width * height * 3);
  const blobs = Array.from({ length: 6 }, () => ({
    x: random() * width,
    y: random() * height,
    r: (0.1 + random() * 0.3) * Math.max(width, height),
    cr: random() * 120 - 60,
    cg: random() * 120 - 60,
    cb: random() * 120 - 60,
  }));
  const fx = (2 + random() * 6) / width;
  const fy = (2 + random() * 6) / height;
  let i = 0;
  for (let y = 0; y < height; y++) {
    const vy = y / height;
    const wave = Math.sin(y * fy * Math.PI * 2);
    for (let x = 0; x < width; x++) {
      const grain = (random() - 0.5) * 36;
      const stripe = Math.sin(x * fx * Math.PI * 2 + wave * 3) * 25;
      let r = 90 + 110 * vy + stripe + grain;
      let g = 120 + 60 * Math.sin((x / width) * 3) + grain;
      let b = 200 - 120 * vy - stripe + grain;
      for (const blob of blobs) {
        const dx = x - blob.x;
        const dy = y - blob.y;
        const d2 = (dx * dx + dy * dy) / (blob.r * blob.r);
        if (d2 < 1) {
          const k = 1 - d2;
          r += blob.cr * k;
          g += blob.cg * k;
          b += blob.cb * k;
        }
      }
      pixels[i++] = r;
      pixels[i++] = g;
      pixels[i++] = b;
    }
  }
  return new Uint8Array(pixels.buffer);
}

/**
 * A photo-like JPEG of `width` x `height`, baseline by default.
 *
 * @example const bytes = await photoJpeg({ width: 1200, height: 800, gps: true });
 */
export async function photoJpeg(options: PhotoOptions): Promise<Uint8Array> {
  const { width, height } = options;
  let image = sharp(photoPixels(width, height, options.seed ?? 1), { raw: { width, height, channels: 3 } });
  if (options.gps) {
    image = image.withExif({
      IFD0: { Make: 'Pixport', Model: 'Test Camera', ImageDescription: 'a secret place' },
      IFD3: {
        GPSLatitudeRef: 'N',
        GPSLatitude: '51/1 30/1 0/1',
        GPSLongitudeRef: 'W',
        GPSLongitude: '0/1 7/1 0/1',
      },
    });
  }
  if (options.orientation !== undefined) image = image.withMetadata({ orientation: options.orientation });
  const bytes = await image
    .jpeg({ quality: options.quality ?? 90, progressive: options.progressive ?? false, mozjpeg: false })
    .toBuffer();
  return new Uint8Array(bytes);
}

/** A 400x300 (stored, landscape) JPEG tagged EXIF orientation 6, so it displays as 300x400 portrait. */
export function orientation6Jpeg(): Promise<Uint8Array> {
  return photoJpeg({ width: 400, height: 300, orientation: 6 });
}

/**
 * The reference source of test/support/orientation.ts stored under EXIF
 * orientation `n` (1-8): its pixels put through the inverse of that
 * orientation and tagged with it, so an image viewer shows every one of the
 * eight exactly like the upright 120x80 source.
 */
export async function orientationJpeg(n: number): Promise<Uint8Array> {
  const { width, height, rgb } = storedPixels(n);
  const bytes = await sharp(rgb, { raw: { width, height, channels: 3 } })
    .withMetadata({ orientation: n })
    .jpeg({ quality: 95, mozjpeg: false })
    .toBuffer();
  const tagged = (await sharp(bytes).metadata()).orientation;
  if (tagged !== n) throw new Error(`orientation ${n} JPEG came out tagged ${tagged}`);
  return new Uint8Array(bytes);
}

/** A 320x200 RGBA PNG whose left half is transparent. */
export async function alphaPng(): Promise<Uint8Array> {
  const width = 320;
  const height = 200;
  const rgba = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      rgba[i] = 200;
      rgba[i + 1] = (x * 255) / width;
      rgba[i + 2] = (y * 255) / height;
      rgba[i + 3] = x < width / 2 ? 0 : 255;
    }
  }
  return new Uint8Array(
    await sharp(rgba, { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer(),
  );
}

/** A two-frame animated GIF of 120x80: the first frame pure red, the second pure blue. */
export async function animatedGif(): Promise<Uint8Array> {
  const frame = (background: { r: number; g: number; b: number }) =>
    sharp({ create: { width: 120, height: 80, channels: 3, background } })
      .png()
      .toBuffer();
  const frames = await Promise.all([frame({ r: 255, g: 0, b: 0 }), frame({ r: 0, g: 0, b: 255 })]);
  return new Uint8Array(
    await sharp(frames, { join: { animated: true } })
      .gif({ delay: 100 })
      .toBuffer(),
  );
}

/** A photo JPEG cut off at 40% of its bytes, as an interrupted upload leaves it. */
export async function truncatedJpeg(): Promise<Uint8Array> {
  const whole = await photoJpeg({ width: 600, height: 400 });
  return whole.slice(0, Math.floor(whole.length * 0.4));
}

/** No bytes at all. */
export function emptyBytes(): Uint8Array {
  return new Uint8Array(0);
}

/** `length` pseudo-random bytes (deterministic per seed). */
export function randomBytes(length = 4096, seed = 7): Uint8Array {
  const random = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(random() * 256));
}

const PNG_SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const chunk = new Uint8Array(12 + data.length);
  const view = new DataView(chunk.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) chunk[4 + i] = type.charCodeAt(i);
  chunk.set(data, 8);
  view.setUint32(8 + data.length, crc32(chunk.subarray(4, 8 + data.length)));
  return chunk;
}

/** The IHDR data of an 8-bit RGB PNG of `width` x `height`. */
function rgbHeader(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return ihdr;
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** Options for {@link tinyPng}. */
export interface TinyPngOptions {
  readonly width?: number;
  readonly height?: number;
  /** Writes an `eXIf` chunk with this EXIF orientation (1-8). */
  readonly orientation?: number;
  /** Varies the pixels, so two PNGs of one size differ. */
  readonly seed?: number;
}

/**
 * A small valid PNG (8-bit RGB, CRCs correct, pixels deflated with node:zlib),
 * built in code without sharp, so it is made in microseconds: what the HTTP
 * tests upload by the dozen.
 *
 * @example tinyPng({ width: 40, height: 20, orientation: 6 }) // displays as 20 x 40
 */
export function tinyPng(options: TinyPngOptions = {}): Uint8Array<ArrayBuffer> {
  const { width = 4, height = 3, orientation, seed = 1 } = options;
  const rows = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 3; x++)
      rows[y * (1 + width * 3) + 1 + x] = (x * 7 + y * 13 + seed * 31) & 0xff;
  }
  const parts = [PNG_SIGNATURE, pngChunk('IHDR', rgbHeader(width, height))];
  if (orientation !== undefined) {
    // Big-endian TIFF header, IFD0 at offset 8 with one SHORT entry: Orientation.
    const exif = new Uint8Array(26);
    const e = new DataView(exif.buffer);
    exif.set([0x4d, 0x4d, 0x00, 0x2a], 0);
    e.setUint32(4, 8);
    e.setUint16(8, 1);
    e.setUint16(10, 0x0112);
    e.setUint16(12, 3);
    e.setUint32(14, 1);
    e.setUint16(18, orientation);
    parts.push(pngChunk('eXIf', exif));
  }
  parts.push(pngChunk('IDAT', deflateSync(rows)), pngChunk('IEND', new Uint8Array(0)));
  return concat(parts);
}

/**
 * A PNG whose IHDR declares `width` x `height` (100000 x 100000 by default, ten
 * gigapixels) with valid CRCs but only a token IDAT: decoding it would take
 * 30 GB, so only a processor that checks the header first survives it.
 */
export function hugePngHeader(width = 100_000, height = 100_000): Uint8Array {
  // An empty zlib stream: enough for a header reader, nowhere near the pixels.
  const idat = Uint8Array.of(0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01);
  return concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', rgbHeader(width, height)),
    pngChunk('IDAT', idat),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

/** The start of a HEIC file: an ISO-BMFF `ftyp` box with the `heic` brand, then a stub `meta` box. */
export function heicHeader(): Uint8Array {
  const ftyp = [0, 0, 0, 24, ...'ftypheic'.split('').map((c) => c.charCodeAt(0)), 0, 0, 0, 0];
  for (const brand of ['mif1', 'heic']) ftyp.push(...brand.split('').map((c) => c.charCodeAt(0)));
  const meta = [0, 0, 0, 12, ...'meta'.split('').map((c) => c.charCodeAt(0)), 0, 0, 0, 0];
  return Uint8Array.from([...ftyp, ...meta]);
}

/** A small SVG document: a vector format (and a script vector), never accepted. */
export function svgImage(): Uint8Array {
  return new TextEncoder().encode(
    '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="100" height="80">' +
      '<rect width="100" height="80" fill="red"/></svg>',
  );
}

const sample = (width: number, height: number) =>
  sharp(photoPixels(width, height, 3), { raw: { width, height, channels: 3 } });

/** A 640x480 photo-like PNG (no alpha). */
export async function photoPng(width = 640, height = 480): Promise<Uint8Array> {
  return new Uint8Array(await sample(width, height).png().toBuffer());
}

/** A 640x480 photo-like lossy WebP. */
export async function photoWebp(width = 640, height = 480): Promise<Uint8Array> {
  return new Uint8Array(await sample(width, height).webp({ quality: 80 }).toBuffer());
}

/** A 480x320 photo-like AVIF. */
export async function photoAvif(width = 480, height = 320): Promise<Uint8Array> {
  return new Uint8Array(await sample(width, height).avif({ quality: 50, effort: 0 }).toBuffer());
}

/** A 640x480 photo-like TIFF (deflate-compressed). */
export async function photoTiff(width = 640, height = 480): Promise<Uint8Array> {
  return new Uint8Array(await sample(width, height).tiff({ compression: 'deflate' }).toBuffer());
}
