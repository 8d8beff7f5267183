import { InvalidInputError } from './errors.js';
import { err, ok, type Result } from './result.js';
import type { Size } from './sizing.js';

/** A video's rotation for display: a quarter turn clockwise, as containers store it. */
export type Rotation = 0 | 90 | 180 | 270;

export const Rotation = {
  /**
   * Any angle in degrees as a clockwise quarter turn (-90 is 270, 450 is 90);
   * undefined when it is not a multiple of 90 (a matrix that skews or tilts).
   *
   * @example Rotation.of(-90) // 270
   */
  of(degrees: number): Rotation | undefined {
    if (!Number.isFinite(degrees) || degrees % 90 !== 0) return undefined;
    return (((degrees % 360) + 360) % 360) as Rotation;
  },
};

/**
 * The size a frame shows at once its rotation is applied: a quarter turn
 * either way swaps width and height.
 *
 * @example rotatedSize({ width: 1920, height: 1080 }, 90) // { width: 1080, height: 1920 }
 */
export function rotatedSize(size: Size, rotation: Rotation): Size {
  return rotation === 90 || rotation === 270 ? { width: size.height, height: size.width } : size;
}

/** How the MP4 and its poster are made from a video original. */
export interface VideoRenditionSettings {
  /**
   * The box the picture fits inside, by its long and short sides, so that a
   * portrait video gets the same treatment as a landscape one: 1920 and 1080
   * make 1080p either way up.
   */
  readonly maxLongSide: number;
  readonly maxShortSide: number;
  /** Where the poster frame is taken, as a fraction of the duration (0-1): past a fade-in, early enough to show what it is. */
  readonly posterAt: number;
  /**
   * Frames sampled evenly through the video for analysis, beside the poster
   * (0-10, default 3: a quarter, half and three quarters of the way).
   */
  readonly sampledFrames: number;
}

export const defaultVideoRenditionSettings: VideoRenditionSettings = {
  maxLongSide: 1920,
  maxShortSide: 1080,
  posterAt: 0.1,
  sampledFrames: 3,
};

/** What the plan is made from: the display size (rotation and pixel aspect applied) and the duration. */
export interface VideoForRendition {
  readonly displayWidth: number;
  readonly displayHeight: number;
  readonly durationMs: number;
}

/** The MP4's display size (its poster's and frames' too), when the poster frame is taken and when the sampled frames are. */
export interface VideoRenditionPlan {
  readonly width: number;
  readonly height: number;
  readonly posterAtMs: number;
  /**
   * When the frames analysis looks at besides the poster are taken
   * (`sampledFrameTimesMs`): evenly spaced, the first one interval in. A plan
   * recorded before frames were sampled has none.
   */
  readonly frameTimesMs?: readonly number[];
}

/**
 * `ideal` as the nearest even whole number of pixels, at least 2: H.264 in
 * 4:2:0 wants even sides, and 2 is its least. A tie (an odd `ideal`) goes
 * down, so the result never passes an ideal's whole-pixel bound and a square
 * stays square; `bound` (rounded down to even) only guards against float error.
 */
const even = (ideal: number, bound: number): number => {
  // Within float error of a tie counts as one: 3409.0000000001 is a scaled 3409.
  const nearest = 2 * Math.ceil(ideal / 2 - 0.5 - 1e-9);
  return Math.max(2, Math.min(nearest, bound - (bound % 2)));
};

/**
 * Fits a display size inside the long-and-short-side box without enlarging it,
 * with even sides: the aspect ratio is kept to within a pixel a side (two for
 * a side under a pixel), a size that is even and fits already is returned as
 * it is, and a size too large touches the box on its limiting side. A side of
 * 1 px becomes 2, the least an H.264 picture can have.
 *
 * @example videoRenditionSize({ width: 3840, height: 2160 }, defaultVideoRenditionSettings) // 1920 x 1080
 * @example videoRenditionSize({ width: 1080, height: 1920 }, defaultVideoRenditionSettings) // 1080 x 1920
 * @example videoRenditionSize({ width: 321, height: 241 }, defaultVideoRenditionSettings)   // 320 x 240
 */
export function videoRenditionSize(
  display: Size,
  box: Pick<VideoRenditionSettings, 'maxLongSide' | 'maxShortSide'>,
): Size {
  const landscape = display.width >= display.height;
  const boxWidth = landscape ? box.maxLongSide : box.maxShortSide;
  const boxHeight = landscape ? box.maxShortSide : box.maxLongSide;
  const scale = Math.min(1, boxWidth / display.width, boxHeight / display.height);
  return {
    width: even(display.width * scale, Math.min(display.width, boxWidth)),
    height: even(display.height * scale, Math.min(display.height, boxHeight)),
  };
}

/**
 * When the poster frame is taken: `posterAt` of the duration, and at least
 * 100 ms before the end so a frame is there to take.
 *
 * @example posterTimeMs(20_000, defaultVideoRenditionSettings) // 2000
 */
export function posterTimeMs(durationMs: number, settings: Pick<VideoRenditionSettings, 'posterAt'>): number {
  return Math.max(0, Math.min(Math.round(durationMs * settings.posterAt), durationMs - 100));
}

/** The least gap between sampled frames: a clip so short that they would come closer has none. */
export const MIN_FRAME_INTERVAL_MS = 250;

/**
 * When `count` frames are sampled from a video for analysis: every
 * `interval` ms, the first one interval in, where the interval is the
 * duration over `count + 1` in whole milliseconds, so the frames split the
 * video into equal parts and none is the first frame (often black) or the
 * last. A whole-millisecond interval is what MediaConvert's frame-capture
 * rate can express exactly. A clip too short for frames at least
 * {@link MIN_FRAME_INTERVAL_MS} apart gets none: its poster stands for it.
 *
 * @example sampledFrameTimesMs(20_000, 3) // [5000, 10000, 15000]
 * @example sampledFrameTimesMs(600, 3)    // []
 */
export function sampledFrameTimesMs(durationMs: number, count: number): number[] {
  const interval = Math.floor(durationMs / (count + 1));
  if (!(count >= 1) || !(interval >= MIN_FRAME_INTERVAL_MS)) return [];
  return Array.from({ length: count }, (_, i) => (i + 1) * interval);
}

/**
 * The plan for a video's MP4, poster and sampled frames, from what its probe says.
 *
 * @example planVideoRendition({ displayWidth: 2160, displayHeight: 3840, durationMs: 30_000 }, defaultVideoRenditionSettings)
 * // { width: 1080, height: 1920, posterAtMs: 3000, frameTimesMs: [7500, 15000, 22500] }
 */
export function planVideoRendition(
  video: VideoForRendition,
  settings: VideoRenditionSettings,
): VideoRenditionPlan {
  const size = videoRenditionSize({ width: video.displayWidth, height: video.displayHeight }, settings);
  return {
    ...size,
    posterAtMs: posterTimeMs(video.durationMs, settings),
    frameTimesMs: sampledFrameTimesMs(video.durationMs, settings.sampledFrames),
  };
}

export const VideoRenditionSettings = {
  /** Checks configured settings: a box of 2-8192 px a side, the short side no longer than the long, posterAt in 0-1, 0-10 sampled frames. */
  parse(settings: VideoRenditionSettings): Result<VideoRenditionSettings, InvalidInputError> {
    for (const field of ['maxLongSide', 'maxShortSide'] as const) {
      const side = settings[field];
      if (!Number.isInteger(side) || side < 2 || side > 8192) {
        return err(new InvalidInputError(`${field} must be 2-8192 px`, field));
      }
    }
    if (settings.maxShortSide > settings.maxLongSide) {
      return err(new InvalidInputError('maxShortSide must not be over maxLongSide', 'maxShortSide'));
    }
    if (!(settings.posterAt >= 0 && settings.posterAt <= 1)) {
      return err(new InvalidInputError('posterAt must be 0-1', 'posterAt'));
    }
    if (
      !Number.isInteger(settings.sampledFrames) ||
      settings.sampledFrames < 0 ||
      settings.sampledFrames > 10
    ) {
      return err(new InvalidInputError('sampledFrames must be a whole number 0-10', 'sampledFrames'));
    }
    return ok(settings);
  },
};
