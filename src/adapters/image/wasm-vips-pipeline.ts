import { rgbaToThumbHash } from 'thumbhash';
import type Vips from 'wasm-vips';
import { ContentType, type ImageFormat } from '../../domain/content-type.js';
import type { RenditionFormat, RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import { largestNeeded, orientedSize, planRendition, type Size } from '../../domain/sizing.js';

/** A ready wasm-vips module, as `await Vips()` returns it. */
export type VipsModule = Awaited<ReturnType<typeof Vips>>;
type VipsImage = InstanceType<VipsModule['Image']>;

/**
 * Why an input was rejected, as plain data: these results cross a worker
 * boundary, where class instances lose their prototype, so the processor turns
 * them back into domain errors on the other side.
 */
export type PipelineRejection =
  | { readonly code: 'unsupported-format'; readonly message: string }
  | { readonly code: 'corrupt-image'; readonly message: string }
  | {
      readonly code: 'image-too-large';
      readonly width: number;
      readonly height: number;
      readonly maxPixels: number;
    };

/** What the header says (see the ImageProbe of the port). */
export interface PipelineProbe {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
  readonly orientation: number;
  readonly pages: number;
}

export interface PipelineRendition {
  readonly preset: string;
  readonly width: number;
  readonly height: number;
  readonly format: RenditionFormat;
  readonly bytes: Uint8Array;
}

export interface PipelineOutput {
  readonly probe: PipelineProbe;
  readonly width: number;
  readonly height: number;
  readonly renditions: PipelineRendition[];
  readonly placeholder: string;
}

// The libvips loader that must have claimed the bytes for each sniffed format:
// a mismatch means the magic bytes lied, and we would rather refuse than let
// some other loader (svg, pdf, matlab ...) have a go.
const LOADER_PREFIX: Record<ImageFormat, string> = {
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
 * The useful line of a libvips error. wasm-vips throws a `WebAssembly.Exception`
 * whose `message` is `['vips::Error', 'unable to ...\nloader: what went wrong\n']`.
 */
function vipsErrorText(e: unknown): string | undefined {
  const raw: unknown = (e as { message?: unknown } | null)?.message;
  if (!Array.isArray(raw) || raw[0] !== 'vips::Error' || typeof raw[1] !== 'string') return undefined;
  const lines = raw[1]
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('unable to') && !line.startsWith('source: bad seek'));
  return (lines[0] ?? 'libvips error').slice(0, 200);
}

/**
 * A libvips error about the input is a rejection; anything else (an aborted
 * runtime, libvips out of memory) is the processor failing, which must throw
 * so the job is retried rather than the photo marked corrupt for good.
 */
function inputProblem(e: unknown): string {
  const text = vipsErrorText(e);
  if (text === undefined || /out of memory|insufficient memory/i.test(text)) throw e;
  return text;
}

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
export function probeImage(vips: VipsModule, bytes: Uint8Array): Result<PipelineProbe, PipelineRejection> {
  const sniffed = ContentType.sniff(bytes);
  if (sniffed.kind !== 'image') {
    return err({ code: 'unsupported-format', message: `${sniffed.what} is not an accepted image format` });
  }
  let image: VipsImage | undefined;
  try {
    image = vips.Image.newFromBuffer(bytes, '', { access: 'sequential', fail_on: 'error' });
    const loader = image.getTypeof('vips-loader') ? image.getString('vips-loader') : '';
    if (!loader.startsWith(LOADER_PREFIX[sniffed.format])) {
      return err({
        code: 'unsupported-format',
        message: `bytes that look like ${sniffed.format} were read as ${loader || 'something else'}`,
      });
    }
    const rawOrientation = image.getTypeof('orientation') ? image.getInt('orientation') : 1;
    return ok({
      format: sniffed.format,
      width: image.width,
      height: image.height,
      orientation: rawOrientation >= 1 && rawOrientation <= 8 ? rawOrientation : 1,
      pages: image.getTypeof('n-pages') ? Math.max(1, image.getInt('n-pages')) : 1,
    });
  } catch (e) {
    return err({
      code: 'corrupt-image',
      message: `the ${sniffed.format} header cannot be read: ${inputProblem(e)}`,
    });
  } finally {
    image?.delete();
  }
}

/**
 * Decodes once, shrinking on load to the largest size any preset needs,
 * auto-oriented and in sRGB; then cuts every rendition from that one decoded
 * image and encodes it without metadata. Sizes come from the domain's plans,
 * so each rendition is exactly `planRendition(...).output`.
 */
export function renderImage(
  vips: VipsModule,
  bytes: Uint8Array,
  settings: RenditionSettings,
  limits: { readonly maxPixels: number },
): Result<PipelineOutput, PipelineRejection> {
  const probed = probeImage(vips, bytes);
  if (!probed.ok) return probed;
  const probe = probed.value;
  if (probe.width * probe.height > limits.maxPixels) {
    return err({
      code: 'image-too-large',
      width: probe.width,
      height: probe.height,
      maxPixels: limits.maxPixels,
    });
  }

  const stored: Size = { width: probe.width, height: probe.height };
  const display = orientedSize(stored, probe.orientation);
  const need = largestNeeded(stored, probe.orientation, settings.presets);

  // Everything made with vips is deleted at the end: embind handles are not
  // garbage collected, and a leak here is a leak in a heap that never shrinks.
  const owned = new ImageHandles();
  const keep = owned.keep;

  try {
    let decoded: VipsImage;
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
      // The one decode: later steps read this memory image, never the file again.
      decoded = keep(image.copyMemory());
    } catch (e) {
      return err({
        code: 'corrupt-image',
        message: `the ${probe.format} image cannot be decoded: ${inputProblem(e)}`,
      });
    } finally {
      decoding.deleteAll();
    }

    const sx = decoded.width / display.width;
    const sy = decoded.height / display.height;
    const made: { rendition: PipelineRendition; image: VipsImage }[] = [];
    for (const preset of settings.presets) {
      const plan = planRendition(stored, probe.orientation, preset);
      const left = Math.min(decoded.width - 1, Math.round(plan.crop.left * sx));
      const top = Math.min(decoded.height - 1, Math.round(plan.crop.top * sy));
      const width = Math.max(1, Math.min(decoded.width - left, Math.round(plan.crop.width * sx)));
      const height = Math.max(1, Math.min(decoded.height - top, Math.round(plan.crop.height * sy)));
      const region =
        left === 0 && top === 0 && width === decoded.width && height === decoded.height
          ? decoded
          : keep(decoded.extractArea(left, top, width, height));
      const image = resizeExactly(region, plan.output, keep);
      const bytesOut = image.writeToBuffer(SAVE_SUFFIX[settings.format], {
        Q: settings.quality,
        keep: 'none',
      });
      made.push({
        image,
        rendition: {
          preset: preset.name,
          width: image.width,
          height: image.height,
          format: settings.format,
          bytes: bytesOut,
        },
      });
    }

    const smallest = made.reduce((a, b) =>
      b.image.width * b.image.height < a.image.width * a.image.height ? b : a,
    );
    return ok({
      probe,
      width: display.width,
      height: display.height,
      renditions: made.map((m) => m.rendition),
      placeholder: thumbHashOf(smallest.image, keep),
    });
  } finally {
    owned.deleteAll();
  }
}

/** Images to delete together: `keep` records one and hands it back. */
class ImageHandles {
  readonly #images: VipsImage[] = [];
  readonly keep = (image: VipsImage): VipsImage => {
    this.#images.push(image);
    return image;
  };
  deleteAll(): void {
    for (const image of this.#images.splice(0)) image.delete();
  }
}

/**
 * Resizes to exactly `size`. libvips rounds output sides itself, so a scale of
 * out/in can land one pixel off; the plan's size is the contract, so any
 * stray row or column is trimmed or repeated.
 */
function resizeExactly(image: VipsImage, size: Size, keep: (i: VipsImage) => VipsImage): VipsImage {
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

function thumbHashOf(image: VipsImage, keep: (i: VipsImage) => VipsImage): string {
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
