import { crc32, deflateSync } from 'node:zlib';
import { HmacUrlSigner } from '../../src/adapters/crypto/hmac-url-signer.js';
import { InMemoryBlobStore } from '../../src/adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../src/adapters/memory/in-memory-photo-repository.js';
import { InMemoryThumbnailQueue } from '../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7-id-generator.js';
import type { Clock } from '../../src/application/ports/clock.js';
import type {
  ImageProbe,
  ImageProcessor,
  ImageRejection,
  RenderOutput,
} from '../../src/application/ports/image-processor.js';
import { AcceptUpload } from '../../src/application/use-cases/accept-upload.js';
import { DeletePhoto } from '../../src/application/use-cases/delete-photo.js';
import { GenerateThumbnail } from '../../src/application/use-cases/generate-thumbnail.js';
import { GetPhoto } from '../../src/application/use-cases/get-photo.js';
import { ListGallery } from '../../src/application/use-cases/list-gallery.js';
import { RegisterUpload } from '../../src/application/use-cases/register-upload.js';
import { UploadPhoto } from '../../src/application/use-cases/upload-photo.js';
import { ContentType } from '../../src/domain/content-type.js';
import { CorruptImageError, UnsupportedImageError } from '../../src/domain/errors.js';
import { defaultLimits, type Limits, pixelLimitError } from '../../src/domain/limits.js';
import type { OwnerId } from '../../src/domain/owner-id.js';
import type { Photo } from '../../src/domain/photo.js';
import type { PhotoId } from '../../src/domain/photo-id.js';
import { defaultRenditionSettings, type RenditionSettings } from '../../src/domain/presets.js';
import { err, ok, type Result } from '../../src/domain/result.js';
import { orientedSize, planRendition } from '../../src/domain/sizing.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import { createApp, type LogEntry } from '../../src/entrypoints/http/create-app.js';
import { devIdentity, type IdentityResolver } from '../../src/entrypoints/http/identity.js';

/**
 * The HTTP app on in-memory adapters, for route tests through `app.request`:
 * every use case is the real one, and only the image processor is a double
 * (see {@link PngHeaderImageProcessor}).
 */

export const TEST_URL_SECRET = 'http-tests-url-signing-secret-of-32-bytes-or-more';
export const ALLOWED_ORIGIN = 'https://app.example';

/**
 * A Clock on real time that a test can move forward, so signed URLs can be
 * made to expire without waiting. Real time (not a fixed date) because UUIDv7
 * ids are made from `Date.now()` and because a signed URL's `expiresAt` is
 * compared with the wall clock by the UrlSigner contract.
 */
export class AdjustableClock implements Clock {
  private offsetMs = 0;

  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/**
 * A test double of the ImageProcessor port, for HTTP tests only: the real
 * wasm-vips processor is tested in its own suite. It understands PNG headers
 * and nothing else. It sniffs with `ContentType.sniff`, reads width and height
 * from IHDR and the EXIF orientation from an `eXIf` chunk, refuses images over
 * the pixel limit from the header, and returns one rendition per preset sized
 * by the domain's `planRendition`, whose bytes are a tiny placeholder rather
 * than encoded pixels. Other accepted formats are refused as unsupported
 * rather than faked.
 */
export class PngHeaderImageProcessor implements ImageProcessor {
  async probe(bytes: Uint8Array): Promise<Result<ImageProbe, ImageRejection>> {
    const sniffed = ContentType.sniff(bytes);
    if (sniffed.kind !== 'image') return err(new UnsupportedImageError(`the file is ${sniffed.what}`));
    if (sniffed.format !== 'png') {
      return err(new UnsupportedImageError(`the HTTP test processor reads PNG only, not ${sniffed.format}`));
    }
    const header = readPngHeader(bytes);
    if (!header) return err(new CorruptImageError('the PNG has no valid IHDR chunk'));
    return ok({ format: 'png', ...header, pages: 1 });
  }

  async render(
    bytes: Uint8Array,
    settings: RenditionSettings,
    limits: { maxPixels: number },
  ): Promise<Result<RenderOutput, ImageRejection>> {
    const probed = await this.probe(bytes);
    if (!probed.ok) return probed;
    const probe = probed.value;
    const tooLarge = pixelLimitError(probe, limits.maxPixels);
    if (tooLarge) return err(tooLarge);
    const display = orientedSize(probe, probe.orientation);
    const renditions = settings.presets.map((preset) => {
      const { output } = planRendition(probe, probe.orientation, preset);
      return {
        preset: preset.name,
        width: output.width,
        height: output.height,
        format: settings.format,
        bytes: placeholderBytes(`${preset.name}:${output.width}x${output.height}`),
      };
    });
    return ok({ probe, width: display.width, height: display.height, renditions, placeholder: 'dGVzdA==' });
  }
}

/** A few bytes that say which rendition they stand for: not an encoded image. */
function placeholderBytes(label: string): Uint8Array {
  return new TextEncoder().encode(`test-rendition ${label}`);
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const u32 = (bytes: Uint8Array, at: number): number =>
  (((bytes[at] ?? 0) << 24) |
    ((bytes[at + 1] ?? 0) << 16) |
    ((bytes[at + 2] ?? 0) << 8) |
    (bytes[at + 3] ?? 0)) >>>
  0;

const chunkType = (bytes: Uint8Array, at: number): string =>
  String.fromCharCode(...bytes.subarray(at + 4, Math.min(at + 8, bytes.length)));

/** Width and height from IHDR, orientation from an `eXIf` chunk before IDAT (1 when absent). */
function readPngHeader(
  bytes: Uint8Array,
): { width: number; height: number; orientation: number } | undefined {
  if (bytes.length < 33 || chunkType(bytes, 8) !== 'IHDR' || u32(bytes, 8) !== 13) return undefined;
  const width = u32(bytes, 16);
  const height = u32(bytes, 20);
  if (width === 0 || height === 0) return undefined;
  let orientation = 1;
  for (let at = 33; at + 12 <= bytes.length; ) {
    const length = u32(bytes, at);
    const type = chunkType(bytes, at);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'eXIf') orientation = exifOrientation(bytes.subarray(at + 8, at + 8 + length)) ?? 1;
    at += 12 + length;
  }
  return { width, height, orientation };
}

/** The Orientation tag (0x0112) of IFD0 in a TIFF-structured EXIF block. */
function exifOrientation(tiff: Uint8Array): number | undefined {
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  const view = new DataView(tiff.buffer, tiff.byteOffset, tiff.byteLength);
  if (tiff.byteLength < 8) return undefined;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > tiff.byteLength) return undefined;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.byteLength) return undefined;
    if (view.getUint16(entry, little) === 0x0112) return view.getUint16(entry + 8, little);
  }
  return undefined;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
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
 * built in code so tests need no binary fixtures.
 *
 * @example tinyPng({ width: 40, height: 20, orientation: 6 }) // displays as 20 x 40
 */
export function tinyPng(options: TinyPngOptions = {}): Uint8Array<ArrayBuffer> {
  const { width = 4, height = 3, orientation, seed = 1 } = options;
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = new Uint8Array(height * (1 + width * 3));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width * 3; x++)
      rows[y * (1 + width * 3) + 1 + x] = (x * 7 + y * 13 + seed * 31) & 0xff;
  }
  const parts = [Uint8Array.from(PNG_SIGNATURE), chunk('IHDR', ihdr)];
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
    parts.push(chunk('eXIf', exif));
  }
  parts.push(chunk('IDAT', deflateSync(rows)), chunk('IEND', new Uint8Array(0)));
  return concat(parts);
}

/** Options for {@link createAppHarness}. */
export interface AppHarnessOptions {
  /** Overrides of the default limits. */
  readonly limits?: Partial<Limits>;
  /** Identity resolver; dev identity (`X-Owner-Id`, else `dev`) when absent. */
  readonly identity?: IdentityResolver;
  /** Lifetimes of signed GET URLs and upload targets, in seconds (default 900). */
  readonly getTtlSeconds?: number;
  readonly uploadTtlSeconds?: number;
}

/** What a route test works with. */
export type AppHarness = ReturnType<typeof createAppHarness>;

/**
 * Builds `createApp` on in-memory adapters, with the use cases constructed
 * directly, HMAC-signed `/files` URLs and a log that collects its entries.
 * The queue is drained only when a test asks ({@link drain}), so a test can
 * look at a photo while it is `processing`.
 *
 * @example
 * const h = createAppHarness();
 * const res = await h.app.request('/photos', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: tinyPng() });
 * const photo = await h.makeReady((await res.json()).photo.id);
 */
export function createAppHarness(options: AppHarnessOptions = {}) {
  const limits: Limits = { ...defaultLimits, ...options.limits };
  const settings = defaultRenditionSettings;
  const clock = new AdjustableClock();
  const blobs = new InMemoryBlobStore();
  const photos = new InMemoryPhotoRepository();
  const queue = new InMemoryThumbnailQueue({ maxAttempts: 1, retryDelayMs: 0 });
  const signer = new HmacUrlSigner(
    {
      secret: TEST_URL_SECRET,
      baseUrl: '/files',
      ...(options.getTtlSeconds !== undefined ? { getTtlSeconds: options.getTtlSeconds } : {}),
      ...(options.uploadTtlSeconds !== undefined ? { uploadTtlSeconds: options.uploadTtlSeconds } : {}),
    },
    clock,
  );
  const ids = new UuidV7IdGenerator();
  const registerUpload = new RegisterUpload(photos, signer, ids, clock, limits);
  const acceptUpload = new AcceptUpload(photos, blobs, queue, clock, limits);
  const useCases = {
    registerUpload,
    uploadPhoto: new UploadPhoto(registerUpload, acceptUpload, blobs, limits),
    listGallery: new ListGallery(photos, signer),
    getPhoto: new GetPhoto(photos, signer),
    deletePhoto: new DeletePhoto(photos, blobs, settings),
  };
  const generateThumbnail = new GenerateThumbnail(
    photos,
    blobs,
    new PngHeaderImageProcessor(),
    clock,
    limits,
    settings,
  );
  const logs: LogEntry[] = [];
  const app = createApp({
    useCases,
    identity: options.identity ?? devIdentity(),
    limits,
    renditions: settings,
    allowedOrigins: [ALLOWED_ORIGIN],
    files: { signer, blobs, acceptUpload },
    log: (entry) => logs.push(entry),
  });

  /** Runs every queued thumbnail job to its end. */
  const drain = async (): Promise<void> => {
    const stop = queue.consume(async (job) => {
      await generateThumbnail.execute(job);
    });
    await queue.onIdle();
    stop();
  };

  /**
   * Drives a photo to ready and returns it: a pending photo first gets a PNG
   * original and is accepted, as the signed PUT would do; then the queue is
   * drained. Throws when the photo does not end up ready.
   */
  const makeReady = async (photoId: string, owner = 'dev'): Promise<Photo> => {
    const current = await photos.get(owner as OwnerId, photoId as PhotoId);
    if (current?.status === 'pending') {
      await blobs.put(StorageKeys.original(current.ownerId, current.id), tinyPng(), {
        contentType: 'image/png',
      });
      const accepted = await acceptUpload.execute({ ownerId: current.ownerId, photoId: current.id });
      if (!accepted.ok) throw accepted.error;
    }
    await drain();
    const photo = await photos.get(owner as OwnerId, photoId as PhotoId);
    if (photo?.status !== 'ready') {
      throw new Error(`photo ${photoId} of ${owner} is ${photo?.status ?? 'missing'}, not ready`);
    }
    return photo;
  };

  return { app, blobs, photos, queue, signer, clock, limits, settings, logs, useCases, drain, makeReady };
}
