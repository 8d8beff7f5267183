/**
 * HEIC decoding for the wasm-vips pipeline: libheif-js, libheif with libde265
 * compiled to WebAssembly (wasm-vips leaves HEVC out). It runs inside the image
 * worker thread, which loads it the first time a HEIC arrives; the decoded
 * pixels then go into wasm-vips like those of any other format.
 */
import type { ImageRejection } from '../../application/ports/image-processor.js';
import { CorruptImageError, UnsupportedImageError } from '../../domain/errors.js';
import { err, ok, type Result } from '../../domain/result.js';

/** The primary image's pixels, 8 bits a sample, valid only inside the callback they are handed to. */
export interface HeifPixels {
  readonly width: number;
  readonly height: number;
  /** 3 (RGB) or 4 (RGBA, straight alpha). */
  readonly bands: 3 | 4;
  /** Bytes from one row to the next: at least `width * bands`, padded by libheif. */
  readonly stride: number;
  /** A view into libheif's heap, `stride * height` bytes. */
  readonly data: Uint8Array;
}

// The few parts of libheif-js's embind API this file uses. Its own .d.ts types
// the results as `any`: these are the shapes libheif 1.23's heif_emscripten.h returns.
interface Enum {
  readonly value: number;
}
interface HeifError {
  readonly code: Enum;
  readonly subcode: Enum;
  readonly message: string;
}
interface Handle {
  readonly __brand: 'heif_image_handle';
}
interface Context {
  readonly __brand: 'heif_context';
}
interface DecodedImage {
  readonly image: unknown;
  readonly width: number;
  readonly height: number;
  readonly channels: readonly {
    readonly stride: number;
    /** Per sample. */
    readonly bits_per_pixel: number;
    readonly data: Uint8Array;
  }[];
}
interface Libheif {
  readonly HEAPU8: Uint8Array;
  readonly heif_colorspace: { readonly heif_colorspace_RGB: Enum };
  readonly heif_chroma: {
    readonly heif_chroma_interleaved_RGB: Enum;
    readonly heif_chroma_interleaved_RGBA: Enum;
  };
  heif_context_alloc(): Context;
  heif_context_free(context: Context): void;
  heif_context_read_from_memory(context: Context, bytes: Uint8Array): HeifError;
  heif_js_context_get_primary_image_handle(context: Context): Handle | HeifError;
  heif_image_handle_has_alpha_channel(handle: Handle): number;
  heif_image_handle_release(handle: Handle): void;
  heif_js_decode_image2(handle: Handle, colorspace: Enum, chroma: Enum): DecodedImage | HeifError;
  heif_image_release(image: unknown): void;
}

interface EmscriptenOptions {
  instantiateWasm?: (
    imports: WebAssembly.Imports,
    done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => WebAssembly.Exports,
  ) => WebAssembly.Exports;
  onRuntimeInitialized?: () => void;
  onAbort?: (reason: unknown) => void;
  print?: (text: string) => void;
  printErr?: (text: string) => void;
}

const isError = (value: object): value is HeifError => 'code' in value && 'message' in value;

// heif_error_code values of libheif 1.23 (heif_error.h).
const UNSUPPORTED_FILETYPE = 3;
const UNSUPPORTED_FEATURE = 4;
const MEMORY_ALLOCATION_ERROR = 6;
const INVALID_INPUT = 2;
const DECODER_PLUGIN_ERROR = 7;
const SECURITY_LIMIT_EXCEEDED = 1000;

/**
 * What a libheif error says about the input: a refusal (unsupported codec or
 * feature), damage (invalid or cut-off data, or a libheif security limit the
 * file exceeds), or, for anything else (out of memory, a usage error), a
 * failure of the decoder itself, which throws so the job is retried.
 */
function rejectionOf(error: HeifError, what: string): ImageRejection {
  const message = `${what}: ${error.message.trim()}`.slice(0, 200);
  const code = error.code.value;
  if (code === UNSUPPORTED_FILETYPE || code === UNSUPPORTED_FEATURE)
    return new UnsupportedImageError(message);
  if (
    code === INVALID_INPUT ||
    code === DECODER_PLUGIN_ERROR ||
    (code === MEMORY_ALLOCATION_ERROR && error.subcode.value === SECURITY_LIMIT_EXCEEDED)
  ) {
    return new CorruptImageError(message);
  }
  throw new Error(`libheif failed: ${message}`);
}

/**
 * One libheif-js instance: its own WebAssembly heap, which (like wasm-vips')
 * never shrinks, so the worker reports {@link heapBytes} beside wasm-vips' and
 * the processor replaces a worker whose libheif heap has grown too large.
 *
 * @example
 * const heif = await LibheifDecoder.load(compiledLibheif);
 * const size = heif.decodePrimary(bytes, (pixels) => ({ width: pixels.width, height: pixels.height }));
 */
export class LibheifDecoder {
  readonly #lib: Libheif;

  private constructor(lib: Libheif) {
    this.#lib = lib;
  }

  /**
   * Loads libheif-js, instantiating `compiled` (libheif.wasm compiled once by
   * the processor and shared by every worker) or, without it, letting the
   * package read and compile its own.
   */
  static async load(compiled?: WebAssembly.Module): Promise<LibheifDecoder> {
    const { default: factory } = (await import('libheif-js/libheif-wasm/libheif.js')) as unknown as {
      default: (options: EmscriptenOptions) => unknown;
    };
    const lib = await new Promise<Libheif>((resolve, reject) => {
      // Emscripten builds the module on the options object it is given.
      const options: EmscriptenOptions = {
        onRuntimeInitialized: () => resolve(options as unknown as Libheif),
        onAbort: (reason) => reject(new Error(`libheif did not start: ${String(reason)}`)),
        // libheif logs nothing a caller needs; its errors come back as values.
        print: () => {},
        printErr: () => {},
        // This build of libheif-js starts synchronously: it reads the exports from
        // what the hook returns, so the instance is made here and now.
        ...(compiled
          ? {
              instantiateWasm: (imports, done) => done(new WebAssembly.Instance(compiled, imports), compiled),
            }
          : {}),
      };
      factory(options);
    });
    return new LibheifDecoder(lib);
  }

  /** Size of libheif's WebAssembly heap: it only ever grows. */
  get heapBytes(): number {
    return this.#lib.HEAPU8.buffer.byteLength;
  }

  /**
   * Decodes the file's primary image (not merely the first one) with its
   * transforms applied (`clap`, `irot`, `imir`: libheif's default), to RGB, or
   * to RGBA when it has an alpha plane, and hands the pixels to `use`. They
   * live in libheif's heap and are released as soon as `use` returns, so `use`
   * copies what it keeps.
   */
  decodePrimary<T>(bytes: Uint8Array, use: (pixels: HeifPixels) => T): Result<T, ImageRejection> {
    const lib = this.#lib;
    const context = lib.heif_context_alloc();
    let handle: Handle | undefined;
    let decoded: DecodedImage | undefined;
    try {
      const read = lib.heif_context_read_from_memory(context, bytes);
      if (read.code.value !== 0) return err(rejectionOf(read, 'the HEIF header cannot be read'));
      const primary = lib.heif_js_context_get_primary_image_handle(context);
      if (isError(primary)) return err(rejectionOf(primary, 'the primary image cannot be found'));
      handle = primary;
      const alpha = lib.heif_image_handle_has_alpha_channel(handle) !== 0;
      const image = lib.heif_js_decode_image2(
        handle,
        lib.heif_colorspace.heif_colorspace_RGB,
        alpha ? lib.heif_chroma.heif_chroma_interleaved_RGBA : lib.heif_chroma.heif_chroma_interleaved_RGB,
      );
      if (isError(image)) return err(rejectionOf(image, 'the HEIF image cannot be decoded'));
      decoded = image;
      const [plane] = image.channels;
      if (plane?.bits_per_pixel !== 8) {
        return err(new UnsupportedImageError('libheif gave no 8-bit interleaved plane for this image'));
      }
      return ok(
        use({
          width: image.width,
          height: image.height,
          bands: alpha ? 4 : 3,
          stride: plane.stride,
          data: plane.data,
        }),
      );
    } finally {
      if (decoded) lib.heif_image_release(decoded.image);
      if (handle) lib.heif_image_handle_release(handle);
      lib.heif_context_free(context);
    }
  }
}
