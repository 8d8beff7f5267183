import type { ImageFormat } from '../../domain/content-type.js';
import type { CorruptImageError, ImageTooLargeError, UnsupportedImageError } from '../../domain/errors.js';
import type { RenditionFormat, RenditionSettings } from '../../domain/presets.js';
import type { Result } from '../../domain/result.js';

/** What an image's header says, read before any pixel is decoded. */
export interface ImageProbe {
  readonly format: ImageFormat;
  /** Stored size, before EXIF orientation. */
  readonly width: number;
  readonly height: number;
  /** EXIF orientation 1-8 (1 when absent); for HEIF, the one its `irot` and `imir` amount to. */
  readonly orientation: number;
  readonly pages: number;
}

/** One encoded rendition. */
export interface RenderedImage {
  readonly preset: string;
  readonly width: number;
  readonly height: number;
  readonly format: RenditionFormat;
  readonly bytes: Uint8Array;
}

/** Every rendition of one original, from one decode. */
export interface RenderOutput {
  readonly probe: ImageProbe;
  /** Display size, after orientation. */
  readonly width: number;
  readonly height: number;
  readonly renditions: readonly RenderedImage[];
  /** ThumbHash of the smallest rendition, base64. */
  readonly placeholder: string;
}

/** Why an image cannot be rendered; all permanent, none worth a retry. */
export type ImageRejection = UnsupportedImageError | CorruptImageError | ImageTooLargeError;

/**
 * Decodes originals and renders renditions. Rejections of the input are
 * returned; a failure of the processor itself (out of memory, a crashed
 * worker) throws, so the job is retried.
 */
export interface ImageProcessor {
  probe(bytes: Uint8Array): Promise<Result<ImageProbe, ImageRejection>>;
  render(
    bytes: Uint8Array,
    settings: RenditionSettings,
    limits: { maxPixels: number },
  ): Promise<Result<RenderOutput, ImageRejection>>;
}
