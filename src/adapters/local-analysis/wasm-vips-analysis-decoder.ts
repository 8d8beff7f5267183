import Vips from 'wasm-vips';
import { ContentType } from '../../domain/content-type.js';
import { ImageAnalysisRefusedError } from '../../domain/errors.js';
import { err, ok, type Result } from '../../domain/result.js';
import { configureVips } from '../image/wasm-vips-pipeline.js';
import { ImageHandles, inputProblem, type VipsImage, type VipsModule } from '../image/wasm-vips-support.js';

/** Pixels of an image, three bytes (R, G, B) a pixel, row by row. */
export interface RgbPixels {
  readonly width: number;
  readonly height: number;
  readonly rgb: Uint8Array;
}

/** The two inputs the local models want from one image. */
export interface AnalysisPixels {
  /** The whole image, aspect kept, at most `detectorSize` a side (smaller images are enlarged to it). */
  readonly detector: RgbPixels;
  /** The whole image stretched to `classifierSize` square, as nsfwjs was trained. */
  readonly classifier: RgbPixels;
}

/** The sizes the models take. */
export interface AnalysisDecoderSizes {
  readonly detectorSize: number;
  readonly classifierSize: number;
}

/**
 * Decodes an analysis image (JPEG or PNG) to the RGB pixels the local models take, with
 * wasm-vips: libvips' shrink-on-load and a proper antialiasing resize, where resizing in
 * TensorFlow.js would be a plain bilinear sample (aliased at a 2-4x reduction). It runs
 * its own wasm-vips instance on the calling thread (about 40 MiB and 100 ms to start)
 * rather than the image processor's worker, so the analyser stands alone. Bytes libvips
 * cannot read are a refusal; libvips failing (out of memory) throws.
 *
 * @example
 * const decoder = await WasmVipsAnalysisDecoder.start({ detectorSize: 512, classifierSize: 224 });
 * const pixels = decoder.decode(bytes); // { ok: true, value: { detector, classifier } }
 */
export class WasmVipsAnalysisDecoder {
  private constructor(
    private readonly vips: VipsModule,
    private readonly sizes: AnalysisDecoderSizes,
  ) {}

  /** Starts a wasm-vips instance for decoding (no side modules: JPEG and PNG need none). */
  static async start(sizes: AnalysisDecoderSizes): Promise<WasmVipsAnalysisDecoder> {
    const vips = await Vips({
      dynamicLibraries: [],
      // The error that matters comes back as an exception; libvips' warnings on stderr
      // (one per damaged scanline) would only repeat it.
      preRun: [
        (module: { ENV: Record<string, string> }) => {
          module.ENV.VIPS_WARNING = '0';
        },
      ],
    } as Parameters<typeof Vips>[0]);
    configureVips(vips);
    return new WasmVipsAnalysisDecoder(vips, sizes);
  }

  decode(bytes: Uint8Array): Result<AnalysisPixels, ImageAnalysisRefusedError> {
    const sniffed = ContentType.sniff(bytes);
    if (sniffed.kind !== 'image' || (sniffed.format !== 'jpeg' && sniffed.format !== 'png')) {
      const what = sniffed.kind === 'image' ? sniffed.format.toUpperCase() : sniffed.what;
      return err(new ImageAnalysisRefusedError(`the analyser reads JPEG or PNG, not ${what}`));
    }
    const handles = new ImageHandles();
    const keep = handles.keep;
    try {
      const { detectorSize, classifierSize } = this.sizes;
      // Upright (EXIF orientation applied) and fitted: the detector was trained on images
      // scaled, aspect kept, to fit its square. fail_on=error makes a truncated file an
      // error rather than grey rows; it goes in option_string, as wasm-vips 0.0.19 ignores
      // thumbnail's own fail_on (wasm-vips-pipeline.ts).
      const fitted = keep(
        this.vips.Image.thumbnailBuffer(bytes, detectorSize, {
          height: detectorSize,
          option_string: 'fail_on=error',
        }),
      );
      // Decoded once into memory: both inputs read it, and the load is sequential.
      const rgb = keep(toRgb(fitted, keep).copyMemory());
      const stretched = keep(
        rgb.resize(classifierSize / rgb.width, { vscale: classifierSize / rgb.height, kernel: 'linear' }),
      );
      return ok({ detector: pixelsOf(rgb), classifier: pixelsOf(stretched) });
    } catch (e) {
      return err(
        new ImageAnalysisRefusedError(`the image cannot be decoded: ${inputProblem(e)}`, { cause: e }),
      );
    } finally {
      handles.deleteAll();
    }
  }
}

/** Three 8-bit sRGB bands: alpha flattened onto black, grey and CMYK converted, 16-bit cast down. */
function toRgb(image: VipsImage, keep: (image: VipsImage) => VipsImage): VipsImage {
  let out = image.hasAlpha() ? keep(image.flatten()) : image;
  if (out.interpretation !== 'srgb') out = keep(out.colourspace('srgb'));
  if (out.bands > 3) out = keep(out.extractBand(0, { n: 3 }));
  if (out.format !== 'uchar') out = keep(out.cast('uchar'));
  return out;
}

/** The pixels of an 8-bit image (what {@link toRgb} makes), as bytes. */
function pixelsOf(image: VipsImage): RgbPixels {
  const memory = image.writeToMemory();
  const rgb = new Uint8Array(memory.buffer, memory.byteOffset, memory.byteLength);
  return { width: image.width, height: image.height, rgb };
}
