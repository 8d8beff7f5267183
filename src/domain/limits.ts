import { MiB } from './byte-size.js';
import { ImageTooLargeError } from './errors.js';

/** Size limits on originals. All are configurable; these are the defaults. */
export interface Limits {
  /** Largest original accepted through a signed upload. */
  readonly maxOriginalBytes: number;
  /** Largest width x height decoded; checked from the header before any pixel is decoded. */
  readonly maxPixels: number;
  /** Largest original accepted through the API itself (POST /photos), well under Lambda's 6 MB payload cap. */
  readonly maxDirectUploadBytes: number;
}

export const defaultLimits: Limits = {
  maxOriginalBytes: 50 * MiB,
  maxPixels: 50_000_000,
  maxDirectUploadBytes: 4 * MiB,
};

/**
 * The pixel limit, applied to the size a header declares before any pixel is
 * decoded: the error to reject the image with, or undefined when it is within.
 */
export function pixelLimitError(
  size: { readonly width: number; readonly height: number },
  maxPixels: number,
): ImageTooLargeError | undefined {
  return size.width * size.height > maxPixels
    ? new ImageTooLargeError(size.width, size.height, maxPixels)
    : undefined;
}
