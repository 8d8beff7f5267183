import { exifOrientation } from '../../src/adapters/cloudflare/exif-orientation.js';
import type {
  ImageProbe,
  ImageProcessor,
  ImageRejection,
  RenderOutput,
} from '../../src/application/ports/image-processor.js';
import { ContentType } from '../../src/domain/content-type.js';
import { CorruptImageError, UnsupportedImageError } from '../../src/domain/errors.js';
import { pixelLimitError } from '../../src/domain/limits.js';
import type { RenditionSettings } from '../../src/domain/presets.js';
import { err, ok, type Result } from '../../src/domain/result.js';
import { orientedSize, planRendition } from '../../src/domain/sizing.js';

/**
 * A test double of the ImageProcessor port, for HTTP tests only: the real
 * wasm-vips processor is tested in its own suite. It understands PNG headers
 * and nothing else. It sniffs with `ContentType.sniff`, reads width and height
 * from IHDR and the EXIF orientation from an `eXIf` chunk, refuses images over
 * the pixel limit from the header, and returns one rendition per preset sized
 * by the domain's `planRendition`, whose bytes are a tiny placeholder rather
 * than encoded pixels. Other accepted formats are refused as unsupported
 * rather than faked.
 *
 * @example container.bind(TOKENS.ImageProcessor).toConstantValue(new PngHeaderImageProcessor());
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
    const tooLarge = pixelLimitError(probed.value, limits.maxPixels);
    return tooLarge ? err(tooLarge) : ok(placeholderOutput(probed.value, settings));
  }
}

/** What a render of `probe` would be, with a few labelled bytes for each rendition's pixels. */
function placeholderOutput(probe: ImageProbe, settings: RenditionSettings): RenderOutput {
  const display = orientedSize(probe, probe.orientation);
  const renditions = settings.presets.map((preset) => {
    const { output } = planRendition(probe, probe.orientation, preset);
    return {
      preset: preset.name,
      width: output.width,
      height: output.height,
      format: settings.format,
      bytes: new TextEncoder().encode(`test-rendition ${preset.name}:${output.width}x${output.height}`),
    };
  });
  return { probe, width: display.width, height: display.height, renditions, placeholder: 'dGVzdA==' };
}

/**
 * Width and height from IHDR, orientation from an `eXIf` chunk before IDAT (1
 * when absent). Only chunk headers are read, never the pixels, so a header
 * that declares ten gigapixels costs nothing.
 */
function readPngHeader(
  bytes: Uint8Array,
): { width: number; height: number; orientation: number } | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const typeAt = (at: number) => String.fromCharCode(...bytes.subarray(at + 4, at + 8));
  if (bytes.length < 33 || typeAt(8) !== 'IHDR' || view.getUint32(8) !== 13) return undefined;
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  if (width === 0 || height === 0) return undefined;
  let orientation = 1;
  for (let at = 33; at + 12 <= bytes.length; at += 12 + view.getUint32(at)) {
    const type = typeAt(at);
    if (type === 'IDAT' || type === 'IEND') break;
    if (type === 'eXIf')
      orientation = pngExifOrientation(bytes.subarray(at + 8, at + 8 + view.getUint32(at)));
  }
  return { width, height, orientation };
}

/**
 * The orientation in an `eXIf` chunk, which holds a bare TIFF block: read by
 * the Cloudflare adapter's EXIF reader, which looks for that same block in a
 * JPEG's APP1 segment, so the block is handed to it inside an otherwise empty
 * JPEG rather than parsed a second time here.
 */
function pngExifOrientation(tiff: Uint8Array): number {
  const jpeg = new Uint8Array(12 + tiff.length);
  jpeg.set([0xff, 0xd8, 0xff, 0xe1], 0);
  // The segment length counts itself (2), "Exif\0\0" (6) and the block; a longer block is cut short.
  new DataView(jpeg.buffer).setUint16(4, Math.min(0xffff, 8 + tiff.length));
  jpeg.set([0x45, 0x78, 0x69, 0x66, 0, 0], 6);
  jpeg.set(tiff, 12);
  return exifOrientation(jpeg);
}
