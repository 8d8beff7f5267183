import type { Preset } from './presets.js';

/** A width and height in whole pixels. */
export interface Size {
  readonly width: number;
  readonly height: number;
}

/** A window inside a source image, in its pixels. */
export interface CropWindow {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** A point in a source image, in its (oriented) pixels: what a cover crop is centred on. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** How to make one rendition: crop this window of the (oriented) source, then scale it to `output`. */
export interface RenditionPlan {
  readonly preset: string;
  readonly crop: CropWindow;
  readonly output: Size;
}

const atLeastOne = (n: number): number => Math.max(1, Math.round(n));

/** `n` clamped to [min, max]. */
const within = (min: number, max: number, n: number): number => Math.min(max, Math.max(min, n));

/** A focus coordinate, or the middle of `side` when there is none (or it is no number). */
const focusOn = (at: number | undefined, side: number): number =>
  at !== undefined && Number.isFinite(at) ? at : side / 2;

/**
 * The size an image shows at once its EXIF orientation is applied:
 * orientations 5-8 rotate by 90 degrees, so width and height swap.
 *
 * @example orientedSize({ width: 4000, height: 3000 }, 6) // { width: 3000, height: 4000 }
 */
export function orientedSize(size: Size, orientation: number): Size {
  return orientation >= 5 && orientation <= 8 ? { width: size.height, height: size.width } : size;
}

/**
 * Fits a size inside a box without enlarging it: the aspect ratio is kept
 * within rounding, each side is at least 1 px, and a size that already fits
 * is returned as it is.
 *
 * @example fitInside({ width: 4000, height: 3000 }, { width: 1024, height: 1024 }) // 1024 x 768
 */
export function fitInside(source: Size, box: Size): Size {
  const scale = Math.min(1, box.width / source.width, box.height / source.height);
  if (scale === 1) return source;
  return {
    width: Math.min(box.width, atLeastOne(source.width * scale)),
    height: Math.min(box.height, atLeastOne(source.height * scale)),
  };
}

/** True when some scale puts `size` within half a pixel a side of `box`: the same aspect ratio up to rounding. */
const sameAspect = (size: Size, box: Size): boolean =>
  (size.width - 0.5) * box.height <= (size.height + 0.5) * box.width &&
  (size.height - 0.5) * box.width <= (size.width + 0.5) * box.height;

/**
 * Fills a box by cropping, without enlarging: the output has the box's aspect
 * ratio and is as large as the source allows up to the box; the crop window is
 * the largest window of that aspect ratio that lies inside the source, centred
 * on `focus` (what matters in the picture, e.g. libvips' attention centre) as
 * far as the source's edges allow, or on the source's centre without one.
 *
 * A source that already has the box's aspect ratio within rounding is not
 * cropped, and the output is derived from the box rather than by scaling the
 * rounded crop window (rounding twice could lose a pixel), so covering an output
 * again returns it unchanged.
 *
 * @example coverBox({ width: 4000, height: 3000 }, { width: 256, height: 256 })
 * // { crop: { left: 500, top: 0, width: 3000, height: 3000 }, output: { width: 256, height: 256 } }
 */
export function coverBox(source: Size, box: Size, focus?: Point): { crop: CropWindow; output: Size } {
  let cropWidth = source.width;
  let cropHeight = source.height;
  if (!sameAspect(source, box)) {
    if (source.width * box.height >= source.height * box.width) {
      cropWidth = Math.min(source.width, atLeastOne((source.height * box.width) / box.height));
    } else {
      cropHeight = Math.min(source.height, atLeastOne((source.width * box.height) / box.width));
    }
  }
  const crop: CropWindow = {
    left: within(0, source.width - cropWidth, Math.floor(focusOn(focus?.x, source.width) - cropWidth / 2)),
    top: within(0, source.height - cropHeight, Math.floor(focusOn(focus?.y, source.height) - cropHeight / 2)),
    width: cropWidth,
    height: cropHeight,
  };
  // No enlarging: the output never has more pixels on a side than the crop window.
  const scale = Math.min(1, cropWidth / box.width, cropHeight / box.height);
  const output: Size =
    cropWidth <= box.width && cropHeight <= box.height
      ? { width: cropWidth, height: cropHeight }
      : {
          width: Math.min(cropWidth, atLeastOne(box.width * scale)),
          height: Math.min(cropHeight, atLeastOne(box.height * scale)),
        };
  return { crop, output };
}

/**
 * The plan for one preset, from the source's stored size and EXIF orientation;
 * a cover crop is centred on `focus` (in the oriented source's pixels) when one is given.
 */
export function planRendition(
  stored: Size,
  orientation: number,
  preset: Preset,
  focus?: Point,
): RenditionPlan {
  const source = orientedSize(stored, orientation);
  const box = { width: preset.width, height: preset.height };
  if (preset.fit === 'cover') {
    const { crop, output } = coverBox(source, box, focus);
    return { preset: preset.name, crop, output };
  }
  return {
    preset: preset.name,
    crop: { left: 0, top: 0, width: source.width, height: source.height },
    output: fitInside(source, box),
  };
}

/**
 * The largest size any preset needs from the oriented source: decoding with
 * shrink-on-load to this size loses nothing the presets use.
 */
export function largestNeeded(stored: Size, orientation: number, presets: readonly Preset[]): Size {
  const source = orientedSize(stored, orientation);
  let scale = 0;
  for (const preset of presets) {
    const plan = planRendition(stored, orientation, preset);
    scale = Math.max(scale, plan.output.width / plan.crop.width, plan.output.height / plan.crop.height);
  }
  scale = Math.min(1, scale);
  return { width: atLeastOne(source.width * scale), height: atLeastOne(source.height * scale) };
}
