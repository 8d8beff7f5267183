import { MiB } from './byte-size.js';
import { InvalidInputError, VideoTooLargeError } from './errors.js';
import { err, ok, type Result } from './result.js';

/**
 * Limits on video originals. All are configurable; these are the defaults.
 * The picture is bounded by its long and short sides, so a portrait video
 * (2160x3840) passes where its landscape twin (3840x2160) does.
 */
export interface VideoLimits {
  /** Largest video original, in bytes. */
  readonly maxBytes: number;
  /** Longest video, in milliseconds. */
  readonly maxDurationMs: number;
  /** Most pixels on the long side of the picture. */
  readonly maxLongSide: number;
  /** Most pixels on the short side of the picture. */
  readonly maxShortSide: number;
  /** Most frames a second (the average over the first frames). */
  readonly maxFps: number;
}

/** 2 GiB, 10 minutes, 4K UHD (3840x2160 either way up), 60 fps. */
export const defaultVideoLimits: VideoLimits = {
  maxBytes: 2048 * MiB,
  maxDurationMs: 10 * 60_000,
  maxLongSide: 3840,
  maxShortSide: 2160,
  maxFps: 60,
};

/** What the limits are checked against: what a container's header says. */
export interface VideoFacts {
  /** Size of the original; left out where it was checked before (at upload). */
  readonly bytes?: number;
  readonly durationMs: number;
  /** Stored size (before rotation; the check is the same either way up). */
  readonly width: number;
  readonly height: number;
  /** Average frame rate; left out when the container gives none. */
  readonly fps?: number;
}

/** `n` to two decimals, or as many more (up to twelve) as tell it from `other`. */
const apart = (n: number, other: number): string => {
  for (let decimals = 2; decimals < 12; decimals++) {
    const text = String(Number(n.toFixed(decimals)));
    if (text !== String(Number(other.toFixed(decimals)))) return text;
  }
  return String(Number(n.toFixed(12)));
};

/**
 * A byte count and its limit in the limit's unit (GiB from 1 GiB, else MiB),
 * with as many decimals as tell them apart.
 *
 * @example bytesTexts(2.5 * 1024 ** 3, 2 * 1024 ** 3) // ['2.5 GiB', '2 GiB']
 */
const bytesTexts = (actual: number, limit: number): [string, string] => {
  const [unit, name] = limit >= 1024 * MiB ? [1024 * MiB, 'GiB'] : [MiB, 'MiB'];
  return [`${apart(actual / unit, limit / unit)} ${name}`, `${apart(limit / unit, actual / unit)} ${name}`];
};

/**
 * A duration as people read it: "10 min", "12 min 30 s", "45.5 s".
 *
 * @example durationText(750_000) // '12 min 30 s'
 */
export function durationText(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const seconds = Number(((ms - minutes * 60_000) / 1000).toFixed(3));
  if (minutes === 0) return `${seconds} s`;
  return seconds === 0 ? `${minutes} min` : `${minutes} min ${seconds} s`;
}

export const VideoLimits = {
  /** Checks configured limits: positive numbers, whole pixels and bytes, the short side no longer than the long. */
  parse(limits: VideoLimits): Result<VideoLimits, InvalidInputError> {
    const whole: (keyof VideoLimits)[] = ['maxBytes', 'maxDurationMs', 'maxLongSide', 'maxShortSide'];
    for (const field of whole) {
      if (!Number.isSafeInteger(limits[field]) || limits[field] < 1) {
        return err(new InvalidInputError(`${field} must be a whole number, 1 or more`, field));
      }
    }
    if (!Number.isFinite(limits.maxFps) || limits.maxFps <= 0) {
      return err(new InvalidInputError('maxFps must be a number over 0', 'maxFps'));
    }
    if (limits.maxShortSide > limits.maxLongSide) {
      return err(new InvalidInputError('maxShortSide must not be over maxLongSide', 'maxShortSide'));
    }
    return ok(limits);
  },
};

/**
 * The video limits, applied to what a container's header says before anything
 * is decoded: the error to refuse the video with (the first limit passed, in
 * the order bytes, duration, resolution, frame rate), or undefined when it is
 * within them all. The frame rate is compared in whole frames, so a measured
 * 60.3 fps (a variable-rate phone recording) passes a 60 fps limit.
 *
 * @example videoLimitError({ durationMs: 5_000, width: 4096, height: 2304 }, defaultVideoLimits)?.message
 * // 'the picture is 4096x2304, over the limit of 3840x2160 (either way up)'
 */
export function videoLimitError(video: VideoFacts, limits: VideoLimits): VideoTooLargeError | undefined {
  if (video.bytes !== undefined && video.bytes > limits.maxBytes) {
    return new VideoTooLargeError('bytes', ...bytesTexts(video.bytes, limits.maxBytes));
  }
  if (video.durationMs > limits.maxDurationMs) {
    return new VideoTooLargeError(
      'duration',
      durationText(video.durationMs),
      durationText(limits.maxDurationMs),
    );
  }
  const long = Math.max(video.width, video.height);
  const short = Math.min(video.width, video.height);
  if (long > limits.maxLongSide || short > limits.maxShortSide) {
    return new VideoTooLargeError(
      'resolution',
      `${video.width}x${video.height}`,
      `${limits.maxLongSide}x${limits.maxShortSide} (either way up)`,
    );
  }
  if (video.fps !== undefined && Math.round(video.fps) > limits.maxFps) {
    return new VideoTooLargeError(
      'frame-rate',
      `${apart(video.fps, limits.maxFps)} fps`,
      `${limits.maxFps} fps`,
    );
  }
  return undefined;
}
