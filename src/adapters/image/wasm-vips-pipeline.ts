/**
 * The libvips work of WasmVipsImageProcessor, on one wasm-vips instance and
 * knowing nothing of threads: the worker thread calls it, and so does the
 * benchmark directly. It speaks the ImageProcessor port's types; turning them
 * into messages is wasm-vips-worker-protocol.ts's job. HEIC is the one format
 * libvips does not decode here: its header is read by the domain's
 * readHeifHeader and its pixels come from libheif-js (libheif-decoder.ts).
 */
import { rgbaToThumbHash } from 'thumbhash';
import type {
  ImageProbe,
  ImageRejection,
  RenderedImage,
  RenderOutput,
} from '../../application/ports/image-processor.js';
import { ContentType, type ImageFormat } from '../../domain/content-type.js';
import { CorruptImageError, UnsupportedImageError } from '../../domain/errors.js';
import { pixelLimitError } from '../../domain/limits.js';
import type { Preset, RenditionFormat, RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { largestNeeded, orientedSize, type Point, planRendition, type Size } from '../../domain/sizing.js';
import type { LibheifDecoder } from './libheif-decoder.js';
import { decodeHeifOnce, type HeifFormat, isHeif, readHeifProbe } from './wasm-vips-heif.js';
import {
  type Header,
  ImageHandles,
  inputProblem,
  type Keep,
  type VipsImage,
  type VipsModule,
} from './wasm-vips-support.js';

export type { VipsModule } from './wasm-vips-support.js';

// The libvips loader that must have claimed the bytes for each sniffed format:
// a mismatch means the magic bytes lied, and we would rather refuse than let
// some other loader (svg, pdf, matlab ...) have a go.
const LOADER_PREFIX: Record<Exclude<ImageFormat, HeifFormat>, string> = {
  jpeg: 'jpegload',
  png: 'pngload',
  webp: 'webpload',
  gif: 'gifload',
  avif: 'heifload',
  tiff: 'tiffload',
};

const SAVE_SUFFIX: Record<RenditionFormat, string> = { webp: '.webp', avif: '.avif', jpeg: '.jpg' };

const PLACEHOLDER_BOX = 100;

/**
 * Prepares a fresh wasm-vips instance for this pipeline: one libvips thread
 * (the processor runs one job at a time per worker and hosts have few cores),
 * no operation cache (every input is new, and the cache would pin buffers in
 * a heap that never shrinks) and no untrusted loaders.
 */
export function configureVips(vips: VipsModule): void {
  vips.concurrency(1);
  vips.Cache.max(0);
  vips.blockUntrusted(true);
}

/**
 * Reads format, size, orientation and page count from the header alone; no
 * pixel is decoded, so it is cheap even for a 100000x100000 PNG.
 */
export function probeImage(vips: VipsModule, bytes: Uint8Array): Result<ImageProbe, ImageRejection> {
  const read = readHeader(vips, bytes);
  return read.ok ? ok(read.value.probe) : read;
}

function readHeader(vips: VipsModule, bytes: Uint8Array): Result<Header, ImageRejection> {
  const sniffed = ContentType.sniff(bytes);
  if (sniffed.kind !== 'image') {
    return err(new UnsupportedImageError(`${sniffed.what} is not an accepted image format`));
  }
  if (isHeif(sniffed.format)) return readHeifProbe(bytes, sniffed.format);
  let image: VipsImage | undefined;
  try {
    image = vips.Image.newFromBuffer(bytes, '', { access: 'sequential', fail_on: 'error' });
    const loader = image.getTypeof('vips-loader') ? image.getString('vips-loader') : '';
    if (!loader.startsWith(LOADER_PREFIX[sniffed.format])) {
      return err(
        new UnsupportedImageError(
          `bytes that look like ${sniffed.format} were read as ${loader || 'something else'}`,
        ),
      );
    }
    const rawOrientation = image.getTypeof('orientation') ? image.getInt('orientation') : 1;
    const probe: ImageProbe = {
      format: sniffed.format,
      width: image.width,
      height: image.height,
      orientation: rawOrientation >= 1 && rawOrientation <= 8 ? rawOrientation : 1,
      pages: image.getTypeof('n-pages') ? Math.max(1, image.getInt('n-pages')) : 1,
    };
    return ok({ probe, decodes: { width: probe.width, height: probe.height } });
  } catch (e) {
    return err(new CorruptImageError(`the ${sniffed.format} header cannot be read: ${inputProblem(e)}`));
  } finally {
    image?.delete();
  }
}

/**
 * Every rendition of one original, in two steps: {@link decodeOnce}, then
 * {@link cutAndEncode} each preset from that one decoded image. Sizes come
 * from the domain's plans, so each rendition is exactly `planRendition(...).output`.
 * The pixel limit is checked on the header first, so an oversized image is
 * refused before any pixel is decoded. A HEIC needs `heif`, the worker's
 * libheif-js, which it loads when one arrives.
 */
export function renderImage(
  vips: VipsModule,
  bytes: Uint8Array,
  settings: RenditionSettings,
  limits: { readonly maxPixels: number },
  heif?: LibheifDecoder,
): Result<RenderOutput, ImageRejection> {
  const read = readHeader(vips, bytes);
  if (!read.ok) return read;
  const { probe, decodes } = read.value;
  const tooLarge = pixelLimitError(decodes, limits.maxPixels);
  if (tooLarge) return err(tooLarge);

  // Everything made with vips is deleted at the end: embind handles are not
  // garbage collected, and a leak here is a leak in a heap that never shrinks.
  const owned = new ImageHandles();
  try {
    let decoded: Result<VipsImage, ImageRejection>;
    if (read.value.heif) {
      if (!heif) throw new Error(`a ${probe.format} needs libheif-js, which this worker has not loaded`);
      decoded = decodeHeifOnce(vips, heif, bytes, read.value.heif, probe, settings.presets, owned.keep);
    } else {
      decoded = decodeOnce(vips, bytes, probe, settings.presets, owned.keep);
    }
    if (!decoded.ok) return decoded;
    return ok(cutAndEncode(decoded.value, probe, settings, owned.keep));
  } finally {
    owned.deleteAll();
  }
}

/**
 * The one decode: shrunk on load to the largest size any preset needs,
 * auto-oriented, in sRGB and 8 bits a band, copied to memory so later steps
 * never read the file again. The result is handed to `keep`.
 */
function decodeOnce(
  vips: VipsModule,
  bytes: Uint8Array,
  probe: ImageProbe,
  presets: readonly Preset[],
  keep: Keep,
): Result<VipsImage, CorruptImageError> {
  const need = largestNeeded({ width: probe.width, height: probe.height }, probe.orientation, presets);
  // The loader's state (a progressive JPEG keeps every DCT coefficient of the
  // full-size image, 72 MB at 24 MP) lives as long as the images made from it:
  // it is let go as soon as the decoded copy exists, before any encoder
  // allocates, so the two peaks do not stack in a heap that never shrinks.
  const decoding = new ImageHandles();
  const step = decoding.keep;
  try {
    // thumbnail picks the loader's shrink-on-load (JPEG DCT scaling, WebP
    // scale, ...), auto-orients and imports embedded profiles to sRGB.
    // fail_on=error turns a truncated file into an error instead of grey rows.
    // It goes in option_string: wasm-vips 0.0.19 ignores thumbnail's own
    // fail_on option, while the loader honours it.
    let image = step(
      vips.Image.thumbnailBuffer(bytes, need.width, {
        height: need.height,
        size: 'down',
        option_string: 'fail_on=error',
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

/**
 * Cuts each preset's crop window out of the decoded image (scaled from the
 * original's display size to the decode's), resizes it to the plan and encodes
 * it without metadata, at its preset's effort; the placeholder comes from the
 * smallest rendition. A cover preset that has to crop is centred on libvips'
 * attention centre (edges, skin tones and saturated colour) rather than on the
 * middle; the domain's plan keeps the window inside the source.
 */
function cutAndEncode(
  decoded: VipsImage,
  probe: ImageProbe,
  settings: RenditionSettings,
  keep: Keep,
): RenderOutput {
  const stored: Size = { width: probe.width, height: probe.height };
  const display = orientedSize(stored, probe.orientation);
  const sx = decoded.width / display.width;
  const sy = decoded.height / display.height;
  const made: { rendition: RenderedImage; image: VipsImage }[] = [];
  for (const preset of settings.presets) {
    let plan = planRendition(stored, probe.orientation, preset);
    if (preset.fit === 'cover' && (plan.crop.width < display.width || plan.crop.height < display.height)) {
      const focus = attentionCentre(decoded, plan.crop.width * sx, plan.crop.height * sy);
      plan = planRendition(stored, probe.orientation, preset, { x: focus.x / sx, y: focus.y / sy });
    }
    const left = Math.min(decoded.width - 1, Math.round(plan.crop.left * sx));
    const top = Math.min(decoded.height - 1, Math.round(plan.crop.top * sy));
    const width = Math.max(1, Math.min(decoded.width - left, Math.round(plan.crop.width * sx)));
    const height = Math.max(1, Math.min(decoded.height - top, Math.round(plan.crop.height * sy)));
    const region =
      left === 0 && top === 0 && width === decoded.width && height === decoded.height
        ? decoded
        : keep(decoded.extractArea(left, top, width, height));
    const image = resizeExactly(region, plan.output, keep);
    const bytes = image.writeToBuffer(SAVE_SUFFIX[settings.format], saveOptions(settings, preset));
    made.push({
      image,
      rendition: {
        preset: preset.name,
        width: image.width,
        height: image.height,
        format: settings.format,
        bytes,
      },
    });
  }
  const smallest = made.reduce((a, b) =>
    b.image.width * b.image.height < a.image.width * a.image.height ? b : a,
  );
  return {
    probe,
    width: display.width,
    height: display.height,
    renditions: made.map((m) => m.rendition),
    placeholder: thumbHashOf(smallest.image, keep),
  };
}

/**
 * The encoder's options for one preset: the quality, no metadata, and for
 * WebP the preset's effort (libwebp's `method`; absent, libvips' default 4).
 * AVIF's effort runs 0-9 on another scale and JPEG has none, so they get none.
 */
function saveOptions(
  settings: RenditionSettings,
  preset: Preset,
): { Q: number; keep: 'none'; effort?: number } {
  const options = { Q: settings.quality, keep: 'none' as const };
  return settings.format === 'webp' && preset.effort !== undefined
    ? { ...options, effort: preset.effort }
    : options;
}

/**
 * Where libvips' attention strategy (the one behind `smartcrop` and
 * thumbnail's `crop: 'attention'`) finds the centre of interest of `image`, in
 * its pixels, for a window of about `width` x `height`. Only the point is kept:
 * the window itself is the domain's to place.
 */
function attentionCentre(image: VipsImage, width: number, height: number): Point {
  // wasm-vips writes output arguments back into the options object.
  const options = { interesting: 'attention' as const, attention_x: 0, attention_y: 0 };
  const w = Math.max(1, Math.min(image.width, Math.round(width)));
  const h = Math.max(1, Math.min(image.height, Math.round(height)));
  image.smartcrop(w, h, options).delete();
  return { x: options.attention_x, y: options.attention_y };
}

/**
 * Resizes to exactly `size`. libvips rounds output sides itself, so a scale of
 * out/in can land one pixel off; the plan's size is the contract, so any
 * stray row or column is trimmed or repeated.
 */
function resizeExactly(image: VipsImage, size: Size, keep: Keep): VipsImage {
  let out = image;
  if (image.width !== size.width || image.height !== size.height) {
    const hscale = size.width / image.width;
    const vscale = size.height / image.height;
    if (image.hasAlpha()) {
      // Resampling straight alpha bleeds dark fringes from transparent pixels.
      const premultiplied = keep(image.premultiply());
      const resized = keep(premultiplied.resize(hscale, { vscale }));
      out = keep(keep(resized.unpremultiply()).cast('uchar'));
    } else {
      out = keep(image.resize(hscale, { vscale }));
    }
  }
  if (out.width > size.width || out.height > size.height) {
    out = keep(out.extractArea(0, 0, Math.min(out.width, size.width), Math.min(out.height, size.height)));
  }
  if (out.width < size.width || out.height < size.height) {
    out = keep(out.embed(0, 0, size.width, size.height, { extend: 'copy' }));
  }
  return out;
}

function thumbHashOf(image: VipsImage, keep: Keep): string {
  const scale = Math.min(1, PLACEHOLDER_BOX / image.width, PLACEHOLDER_BOX / image.height);
  const size = {
    width: Math.max(1, Math.round(image.width * scale)),
    height: Math.max(1, Math.round(image.height * scale)),
  };
  let small = resizeExactly(image, size, keep);
  if (!small.hasAlpha()) small = keep(small.bandjoin(255));
  const memory = small.writeToMemory();
  const rgba = new Uint8Array(memory.buffer, memory.byteOffset, memory.byteLength);
  return Buffer.from(rgbaToThumbHash(small.width, small.height, rgba)).toString('base64');
}
