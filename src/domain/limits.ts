import { MiB } from './byte-size.js';
import { ImageTooLargeError } from './errors.js';
import type { MediaKind } from './media-kind.js';
import type { OwnerQuota } from './owner-usage.js';
import { defaultVideoLimits, type VideoLimits } from './video-limits.js';

/** Limits on uploads and originals. All are configurable; these are the defaults. */
export interface Limits {
  /** Largest photo original accepted through a signed upload, single or multipart. */
  readonly maxOriginalBytes: number;
  /**
   * What a video original may be: bytes (2 GiB by default, checked when the
   * upload is registered and again when it lands), then duration, picture size
   * and frame rate, checked from its container's header before it is transcoded.
   */
  readonly video: VideoLimits;
  /** Largest width x height decoded; checked from the header before any pixel is decoded. */
  readonly maxPixels: number;
  /** Largest original accepted through the API itself (POST /photos), well under Lambda's 6 MB payload cap. */
  readonly maxDirectUploadBytes: number;
  /** A declared size over this goes by multipart upload; at or under it, by one signed PUT or POST. */
  readonly multipartThresholdBytes: number;
  /**
   * Size of every part of a multipart upload but the last, which may be smaller.
   * S3 and R2 refuse parts under 5 MiB (but the last), and R2 wants them all equal.
   */
  readonly multipartPartBytes: number;
  /**
   * How long a photo whose upload expired without completing is kept (hidden from
   * the gallery) before it is deleted with any parts: long enough for a
   * dead-lettered storage notification to be redriven.
   */
  readonly pendingUploadGraceSeconds: number;
  /**
   * What one owner may keep: photos and bytes. None by default; over it a new
   * upload is refused with a QuotaExceededError.
   */
  readonly ownerQuota?: OwnerQuota;
}

export const defaultLimits: Limits = {
  maxOriginalBytes: 50 * MiB,
  video: defaultVideoLimits,
  maxPixels: 50_000_000,
  maxDirectUploadBytes: 4 * MiB,
  multipartThresholdBytes: 16 * MiB,
  multipartPartBytes: 8 * MiB,
  pendingUploadGraceSeconds: 14 * 24 * 3600,
};

/**
 * The largest original of a kind: `maxOriginalBytes` for a photo, the video
 * limits' `maxBytes` for a video.
 *
 * @example maxOriginalBytesOf(defaultLimits, 'photo') // 52428800
 * @example maxOriginalBytesOf(defaultLimits, 'video') // 2147483648
 */
export function maxOriginalBytesOf(limits: Limits, kind: MediaKind): number {
  switch (kind) {
    case 'photo':
      return limits.maxOriginalBytes;
    case 'video':
      return limits.video.maxBytes;
  }
}

/**
 * The largest original of any kind: the most a registration may declare
 * (what the API document states as the maximum size).
 */
export function maxUploadBytes(limits: Limits): number {
  return Math.max(limits.maxOriginalBytes, limits.video.maxBytes);
}

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
