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
import { ContentType } from '../../domain/content-type.js';
import { CorruptImageError, UnsupportedImageError } from '../../domain/errors.js';
import { pixelLimitError } from '../../domain/limits.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { fitInside, orientedSize, planRendition, type Size } from '../../domain/sizing.js';
import { decodePng } from './decode-png.js';
import { exifOrientation } from './exif-orientation.js';

const PLACEHOLDER_BOX = { width: 100, height: 100 };

const MIME: Record<string, string> = { webp: 'image/webp', avif: 'image/avif', jpeg: 'image/jpeg' };

// The Images binding reads GIF, JPEG, PNG, WebP and AVIF; TIFF it does not.
const BINDING_READS = new Set(['jpeg', 'png', 'webp', 'gif', 'avif']);

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
  return (error instanceof Error ? error.message : String(error)).slice(0, 200);
};

/**
 * ImageProcessor on the Cloudflare Images binding, for the Worker: wasm-vips
 * needs threads, which workerd lacks. It makes the same renditions as the
 * wasm-vips adapter: the sizes of the domain's `planRendition` (cover crops
 * centred, inside boxes without enlarging), upright, without metadata (the
 * binding's WebP output keeps no EXIF) and in the configured format and
 * quality; the first frame of a GIF. The binding applies the EXIF
 * orientation itself (hosted, and locally since Miniflare 5); the adapter
 * reads it only to plan the display size. The ThumbHash is made from a PNG of at
 * most 100x100 px that the binding renders from the smallest rendition and
 * this adapter decodes itself.
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
    const sniffed = ContentType.sniff(bytes);
    if (sniffed.kind !== 'image') {
      return err(new UnsupportedImageError(`${sniffed.what} is not an accepted image format`));
    }
    if (!BINDING_READS.has(sniffed.format)) {
      return err(new UnsupportedImageError(`${sniffed.format} is not read by the Cloudflare Images binding`));
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
    return ok({
      format: sniffed.format,
      width: info.width,
      height: info.height,
      orientation: sniffed.format === 'jpeg' ? exifOrientation(bytes) : 1,
      // The binding reports no frame count; a GIF is rendered from its first frame.
      pages: 1,
    });
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
    const stored: Size = { width: probe.width, height: probe.height };
    const display = orientedSize(stored, probe.orientation);
    const format = MIME[settings.format] as 'image/webp';

    const renditions: RenderedImage[] = [];
    try {
      for (const preset of settings.presets) {
        const plan = planRendition(stored, probe.orientation, preset);
        const fit = preset.fit === 'cover' ? 'cover' : 'scale-down';
        const out = await this.transform(bytes, [
          { width: plan.output.width, height: plan.output.height, fit, gravity: 'center' },
        ])
          .output({ format, quality: settings.quality, anim: false })
          .then((r) => r.response().arrayBuffer());
        const made = new Uint8Array(out);
        const size = await this.sizeOf(made);
        renditions.push({ preset: preset.name, ...size, format: settings.format, bytes: made });
      }
    } catch (error) {
      return err(
        new CorruptImageError(`the ${probe.format} image cannot be decoded: ${inputProblem(error)}`),
      );
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
