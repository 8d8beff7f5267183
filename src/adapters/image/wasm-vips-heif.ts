/**
 * The HEIF input of the wasm-vips pipeline: libvips here has no HEVC decoder,
 * so a HEIC's header is read by the domain's readHeifHeader and its pixels
 * come from libheif-js (libheif-decoder.ts), handed to wasm-vips in strips.
 */
import type { ImageProbe, ImageRejection } from '../../application/ports/image-processor.js';
import type { ImageFormat } from '../../domain/content-type.js';
import { CorruptImageError } from '../../domain/errors.js';
import { type HeifHeader, readHeifHeader } from '../../domain/heif-header.js';
import type { Preset } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { largestNeeded, orientedSize } from '../../domain/sizing.js';
import type { HeifPixels, LibheifDecoder } from './libheif-decoder.js';
import {
  type Header,
  ImageHandles,
  inputProblem,
  type Keep,
  type VipsImage,
  type VipsModule,
} from './wasm-vips-support.js';

/** The formats libheif-js decodes (HEVC-coded HEIF) rather than libvips. */
export type HeifFormat = Extract<ImageFormat, 'heic' | 'heif'>;

/** Whether libheif-js, not libvips, decodes this format. */
export const isHeif = (format: ImageFormat): format is HeifFormat => format === 'heic' || format === 'heif';

/**
 * A HEIF file's probe, from its `meta` box: the stored size is the display
 * size before the orientation that `irot`/`imir` amount to, so the domain's
 * planner sees it as it sees a JPEG with EXIF orientation; the decode size is
 * the coded one (`ispe`), which the pixel limit is applied to.
 */
export function readHeifProbe(bytes: Uint8Array, format: HeifFormat): Result<Header, ImageRejection> {
  const read = readHeifHeader(bytes);
  if (!read.ok) return err(new CorruptImageError(`the ${format} header cannot be read: ${read.error}`));
  const heif = read.value;
  const stored = orientedSize(heif.display, heif.orientation);
  return ok({
    probe: { format, ...stored, orientation: heif.orientation, pages: 1 },
    decodes: heif.coded,
    heif,
  });
}

/**
 * The one decode of a HEIF file: libheif-js decodes the primary image at full
 * size with its transforms applied (so it is already upright and at display
 * size), wasm-vips takes a copy of its pixels, with the ICC profile of the
 * `colr` box attached, and shrinks it to the largest size any preset needs,
 * converting to sRGB from that profile. libheif has no shrink-on-load for HEVC.
 * The result is handed to `keep`, like {@link decodeOnce}'s.
 */
export function decodeHeifOnce(
  vips: VipsModule,
  heif: LibheifDecoder,
  bytes: Uint8Array,
  header: HeifHeader,
  probe: ImageProbe,
  presets: readonly Preset[],
  keep: Keep,
): Result<VipsImage, ImageRejection> {
  const need = largestNeeded({ width: probe.width, height: probe.height }, probe.orientation, presets);
  const decoding = new ImageHandles();
  const step = decoding.keep;
  try {
    // The full-size copy is made while libheif's pixels exist and dropped as soon as
    // the shrunk copy is in memory, so the two never outlive this function.
    const full = heif.decodePrimary(bytes, (pixels) => imageOf(vips, pixels, step));
    if (!full.ok) return full;
    // The plan comes from the header; pixels of another shape would be cut at the wrong scale.
    const { width, height } = full.value;
    if (Math.abs(width - header.display.width) > 1 || Math.abs(height - header.display.height) > 1) {
      return err(
        new CorruptImageError(
          `libheif decoded ${width}x${height} where the ${probe.format} header shows ${header.display.width}x${header.display.height}`,
        ),
      );
    }
    let image = step(full.value.copy({ interpretation: 'srgb' }));
    // A phone's HEIC is Display P3: thumbnail keeps an embedded profile unless asked for
    // sRGB, and the renditions carry no profile, so it is asked (60-70 ms on a 2048 px decode).
    if (header.icc) image.setBlob('icc-profile-data', header.icc);
    image = step(
      image.thumbnailImage(need.width, {
        height: need.height,
        size: 'down',
        ...(header.icc ? { export_profile: 'srgb' } : {}),
      }),
    );
    if (image.interpretation !== 'srgb') image = step(image.colourspace('srgb'));
    if (image.format !== 'uchar') image = step(image.cast('uchar'));
    return ok(keep(image.copyMemory()));
  } catch (e) {
    return err(new CorruptImageError(`the ${probe.format} image cannot be decoded: ${inputProblem(e)}`));
  } finally {
    decoding.deleteAll();
  }
}

/** Bytes of libheif's pixels copied into wasm-vips at a time. */
const STRIP_BYTES = 32 * 1024 * 1024;

/**
 * libheif's pixels as a wasm-vips image of their own, without row padding.
 * wasm-vips' newFromMemory copies an array twice (into a vector, then into the
 * image), so the pixels go across in strips of at most 32 MiB, joined again,
 * which bounds the transient copy. Not smaller: measured on 12-48 MP, strips
 * of 2-8 MiB fragmented a fresh heap until it grew to 370-890 MiB, where
 * strips of 16-32 MiB (or one piece) left it at 256-440 MiB.
 *
 * arrayjoin makes every cell the size of its largest image, so the last,
 * shorter strip would leave a band of black below it (a 12 MP photo came out
 * 4000x5592 and was refused as corrupt); the joined image is cut back to the
 * pixels' own height, the strips being top-aligned in their cells.
 */
function imageOf(vips: VipsModule, pixels: HeifPixels, step: Keep): VipsImage {
  const { width, height, bands, stride, data } = pixels;
  const rowsPerStrip = Math.max(1, Math.floor(STRIP_BYTES / stride));
  const strips: VipsImage[] = [];
  for (let top = 0; top < height; top += rowsPerStrip) {
    const rows = Math.min(rowsPerStrip, height - top);
    const bytes = data.subarray(top * stride, (top + rows) * stride);
    if (stride === width * bands) {
      strips.push(step(vips.Image.newFromMemory(bytes, width, rows, bands, vips.BandFormat.uchar)));
    } else {
      // Padded rows: one band of whole rows, the padding cut off, the bytes folded back into bands.
      const padded = step(vips.Image.newFromMemory(bytes, stride, rows, 1, vips.BandFormat.uchar));
      strips.push(step(step(padded.extractArea(0, 0, width * bands, rows)).bandfold({ factor: bands })));
    }
  }
  const [first] = strips;
  if (!first) throw new Error('libheif gave an image without rows');
  if (strips.length === 1) return first;
  const joined = step(vips.Image.arrayjoin(strips, { across: 1 }));
  return joined.height === height ? joined : step(joined.extractArea(0, 0, width, height));
}
