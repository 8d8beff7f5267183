/**
 * What every step of the wasm-vips pipeline shares: the module and image
 * types, the handles that delete images together (embind handles are not
 * garbage collected, and the heap never shrinks), how a libvips error becomes
 * a rejection, and what a header read yields.
 */
import type Vips from 'wasm-vips';
import type { ImageProbe } from '../../application/ports/image-processor.js';
import type { HeifHeader } from '../../domain/heif-header.js';
import type { Size } from '../../domain/sizing.js';

/** A ready wasm-vips module, as `await Vips()` returns it. */
export type VipsModule = Awaited<ReturnType<typeof Vips>>;
export type VipsImage = InstanceType<VipsModule['Image']>;

/**
 * What the header says: the probe, the size a decode allocates (which the
 * pixel limit is applied to) and, for HEIF, the header itself.
 */
export interface Header {
  readonly probe: ImageProbe;
  readonly decodes: Size;
  readonly heif?: HeifHeader;
}

/** Records an image to be deleted later and hands it back, so a call can be wrapped in place. */
export type Keep = (image: VipsImage) => VipsImage;

/** Images to delete together: `keep` records one and hands it back. */
export class ImageHandles {
  readonly #images: VipsImage[] = [];
  readonly keep: Keep = (image) => {
    this.#images.push(image);
    return image;
  };
  deleteAll(): void {
    for (const image of this.#images.splice(0)) image.delete();
  }
}

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
export function inputProblem(e: unknown): string {
  const text = vipsErrorText(e);
  if (text === undefined || /out of memory|insufficient memory/i.test(text)) throw e;
  return text;
}
