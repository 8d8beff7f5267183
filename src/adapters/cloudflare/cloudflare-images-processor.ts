import type {
  ImagesBinding,
  ImageTransform,
  ImageTransformer,
  ReadableStream as WorkersReadableStream,
} from '@cloudflare/workers-types/index.js';
import { rgbaToThumbHash } from 'thumbhash';
import type {
  ImageProbe,
  ImageProcessor,
  ImageRejection,
  RenderedImage,
  RenderOutput,
} from '../../application/ports/image-processor.js';
import { ContentType, type ImageFormat } from '../../domain/content-type.js';
import { CorruptImageError, UnsupportedImageError } from '../../domain/errors.js';
import { readHeifHeader } from '../../domain/heif-header.js';
import { pixelLimitError } from '../../domain/limits.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { fitInside, orientedSize, planRendition, type Size } from '../../domain/sizing.js';
import { decodePng } from './decode-png.js';
import { exifOrientation } from './exif-orientation.js';

const PLACEHOLDER_BOX = { width: 100, height: 100 };

const MIME: Record<string, string> = { webp: 'image/webp', avif: 'image/avif', jpeg: 'image/jpeg' };

// The Images binding reads GIF, JPEG, PNG, WebP, AVIF and HEIC; TIFF it does not.
const BINDING_READS = new Set<ImageFormat>(['jpeg', 'png', 'webp', 'gif', 'avif', 'heic', 'heif']);

const isHeif = (format: ImageFormat): boolean => format === 'heic' || format === 'heif';

const streamOf = (bytes: Uint8Array): WorkersReadableStream<Uint8Array> =>
  new Blob([bytes as Uint8Array<ArrayBuffer>]).stream() as unknown as WorkersReadableStream<Uint8Array>;

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes));

/**
 * The binding reports what is wrong with an input as an ImagesError with a
 * numeric code (9412 not an image, 9520 unsupported, 9523 cannot decode ...).
 * Anything else is the service failing, which throws so the job is retried.
 */
const inputProblem = (error: unknown): string => {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'number') throw error;
  // libvips behind the local binding prefixes its reason with a line per seek it retried.
  return (error instanceof Error ? error.message : String(error))
    .split('\n')
    .filter((line) => !/^source: bad seek/.test(line.trim()))
    .join(' ')
    .slice(0, 200);
};

/**
 * ImageProcessor on the Cloudflare Images binding, for the Worker: wasm-vips
 * needs threads, which workerd lacks. It makes the same renditions as the
 * wasm-vips adapter: the sizes of the domain's `planRendition` (inside boxes
 * without enlarging; cover crops placed by the binding's `gravity: 'auto'`,
 * its saliency detection, where wasm-vips uses libvips' attention), upright,
 * without metadata (the binding's WebP output keeps no EXIF) and in the
 * configured format and quality; the first frame of a GIF. The binding
 * applies the EXIF orientation itself (hosted, and locally since Miniflare
 * 5, whose sharp `autoOrient` gets all eight right, mirrored ones included:
 * test/workers/orientation.test.ts); the adapter reads it only to plan the
 * display size. That the hosted binding does the same is assumed (docs/cloudflare.md).
 *
 * A HEIC's header is read here (the domain's readHeifHeader), not by the
 * binding: the pixel limit applies to its `ispe` before the binding decodes
 * anything, and its `irot`/`clap` give the display size. The hosted binding
 * decodes HEIC; Miniflare's local one (sharp, whose libheif has no HEVC
 * decoder) cannot, and any refusal of a HEIC by the binding is an
 * `unsupported-format` failure that quotes it (docs/cloudflare.md).
 *
 * The ThumbHash is made from a PNG of at most 100x100 px that the binding
 * renders from the smallest rendition and this adapter decodes itself.
 *
 * Each rendition is one transform of the original: the binding has no
 * decoded image to share between calls, and it shrinks on load itself.
 *
 * @example
 * const processor = new CloudflareImagesProcessor(env.IMAGES);
 * const out = await processor.render(bytes, defaultRenditionSettings, { maxPixels: 50_000_000 });
 */
export class CloudflareImagesProcessor implements ImageProcessor {
  constructor(private readonly images: ImagesBinding) {}

  async probe(bytes: Uint8Array): Promise<Result<ImageProbe, ImageRejection>> {
    const read = await this.readHeader(bytes);
    return read.ok ? ok(read.value.probe) : read;
  }

  /** The probe, and the size a decode allocates, which the pixel limit is applied to. */
  private async readHeader(
    bytes: Uint8Array,
  ): Promise<Result<{ probe: ImageProbe; decodes: Size }, ImageRejection>> {
    const sniffed = ContentType.sniff(bytes);
    if (sniffed.kind !== 'image') {
      return err(new UnsupportedImageError(`${sniffed.what} is not an accepted image format`));
    }
    if (!BINDING_READS.has(sniffed.format)) {
      return err(new UnsupportedImageError(`${sniffed.format} is not read by the Cloudflare Images binding`));
    }
    if (isHeif(sniffed.format)) {
      const heif = readHeifHeader(bytes);
      if (!heif.ok)
        return err(new CorruptImageError(`the ${sniffed.format} header cannot be read: ${heif.error}`));
      const { display, orientation, coded } = heif.value;
      const stored = orientedSize(display, orientation);
      return ok({ probe: { format: sniffed.format, ...stored, orientation, pages: 1 }, decodes: coded });
    }
    let info: Awaited<ReturnType<ImagesBinding['info']>>;
    try {
      info = await this.images.info(streamOf(bytes));
    } catch (error) {
      return err(
        new CorruptImageError(`the ${sniffed.format} header cannot be read: ${inputProblem(error)}`),
      );
    }
    if (!('width' in info) || info.format !== ContentType.of(sniffed.format)) {
      return err(
        new UnsupportedImageError(`bytes that look like ${sniffed.format} were read as ${info.format}`),
      );
    }
    const probe: ImageProbe = {
      format: sniffed.format,
      width: info.width,
      height: info.height,
      orientation: sniffed.format === 'jpeg' ? exifOrientation(bytes) : 1,
      // The binding reports no frame count; a GIF is rendered from its first frame.
      pages: 1,
    };
    return ok({ probe, decodes: { width: info.width, height: info.height } });
  }

  async render(
    bytes: Uint8Array,
    settings: RenditionSettings,
    limits: { maxPixels: number },
  ): Promise<Result<RenderOutput, ImageRejection>> {
    const read = await this.readHeader(bytes);
    if (!read.ok) return read;
    const { probe, decodes } = read.value;
    const tooLarge = pixelLimitError(decodes, limits.maxPixels);
    if (tooLarge) return err(tooLarge);
    const stored: Size = { width: probe.width, height: probe.height };
    const display = orientedSize(stored, probe.orientation);
    const format = MIME[settings.format] as 'image/webp';

    const renditions: RenderedImage[] = [];
    try {
      for (const preset of settings.presets) {
        const plan = planRendition(stored, probe.orientation, preset);
        const box = { width: plan.output.width, height: plan.output.height };
        const step: ImageTransform =
          preset.fit === 'cover' ? { ...box, fit: 'cover', gravity: 'auto' } : { ...box, fit: 'scale-down' };
        const out = await this.transform(bytes, [step])
          .output({ format, quality: settings.quality, anim: false })
          .then((r) => r.response().arrayBuffer());
        const made = new Uint8Array(out);
        const size = await this.sizeOf(made);
        renditions.push({ preset: preset.name, ...size, format: settings.format, bytes: made });
      }
    } catch (error) {
      const problem = inputProblem(error);
      // Miniflare's binding cannot decode HEVC at all; the hosted one reads HEIC. Either
      // way a HEIC it turns away is one this Worker cannot render: unsupported, with why.
      if (isHeif(probe.format)) {
        return err(
          new UnsupportedImageError(`the Images binding did not decode this ${probe.format}: ${problem}`),
        );
      }
      return err(new CorruptImageError(`the ${probe.format} image cannot be decoded: ${problem}`));
    }

    const smallest = renditions.reduce((a, b) => (b.width * b.height < a.width * a.height ? b : a));
    return ok({
      probe,
      width: display.width,
      height: display.height,
      renditions,
      placeholder: await this.placeholder(smallest),
    });
  }

  /** The input, auto-oriented by the binding, then `steps`. */
  private transform(bytes: Uint8Array, steps: ImageTransform[]): ImageTransformer {
    let transformer = this.images.input(streamOf(bytes));
    for (const step of steps) transformer = transformer.transform(step);
    return transformer;
  }

  private async sizeOf(bytes: Uint8Array): Promise<Size> {
    const info = await this.images.info(streamOf(bytes));
    if (!('width' in info)) throw new Error(`the Images binding made ${info.format}, not a bitmap`);
    return { width: info.width, height: info.height };
  }

  private async placeholder(from: RenderedImage): Promise<string> {
    const box = fitInside({ width: from.width, height: from.height }, PLACEHOLDER_BOX);
    const png = await this.images
      .input(streamOf(from.bytes))
      .transform({ width: box.width, height: box.height, fit: 'scale-down' })
      .output({ format: 'image/png' })
      .then((r) => r.response().arrayBuffer());
    const { width, height, rgba } = await decodePng(new Uint8Array(png));
    return toBase64(rgbaToThumbHash(width, height, rgba));
  }
}
