/**
 * The reference for EXIF orientation tests, without any codec, so it runs in
 * Node and in workerd alike: an upright 120x80 source of four flat quadrants,
 * each its own colour, the stored pixels that each orientation 1-8 must hold
 * to show that source in an image viewer, and the quadrant signature a
 * rendition is compared by. Four distinct corners tell all eight orientations
 * apart: only the identity of the square's eight symmetries keeps every corner
 * in place.
 */

/** An RGB colour. */
export type Rgb = readonly [number, number, number];

/** The upright (display) size of the reference source. */
export const ORIENTATION_SOURCE = { width: 120, height: 80 } as const;

/** The source's quadrants, as a viewer shows it: top left, top right, bottom left, bottom right. */
export const SOURCE_QUADRANTS: readonly [Rgb, Rgb, Rgb, Rgb] = [
  [220, 30, 30],
  [30, 180, 40],
  [30, 60, 220],
  [240, 220, 30],
];

/** The colour of the upright source at (x, y). */
function sourceAt(x: number, y: number): Rgb {
  const { width, height } = ORIENTATION_SOURCE;
  const right = x >= width / 2 ? 1 : 0;
  const bottom = y >= height / 2 ? 2 : 0;
  return SOURCE_QUADRANTS[bottom + right] as Rgb;
}

/**
 * Where stored pixel (x, y) of an image `w` x `h` as stored shows, for EXIF
 * orientation `n` (TIFF 6.0 / Exif 2.3: 2 mirrors left-right, 3 turns 180
 * degrees, 4 mirrors top-bottom, 5 transposes, 6 turns 90 degrees clockwise,
 * 7 transverses, 8 turns 90 degrees anticlockwise).
 */
function displayedAt(n: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (n) {
    case 2:
      return [w - 1 - x, y];
    case 3:
      return [w - 1 - x, h - 1 - y];
    case 4:
      return [x, h - 1 - y];
    case 5:
      return [y, x];
    case 6:
      return [h - 1 - y, x];
    case 7:
      return [h - 1 - y, w - 1 - x];
    case 8:
      return [y, w - 1 - x];
    default:
      return [x, y];
  }
}

/**
 * The pixels (RGB, three bytes a pixel) to store under EXIF orientation `n` so
 * that a viewer, applying it, shows the upright source: the source put through
 * the inverse of that orientation. Orientations 5-8 are stored 80x120.
 */
export function storedPixels(n: number): { width: number; height: number; rgb: Uint8Array } {
  const turned = n >= 5 && n <= 8;
  const width = turned ? ORIENTATION_SOURCE.height : ORIENTATION_SOURCE.width;
  const height = turned ? ORIENTATION_SOURCE.width : ORIENTATION_SOURCE.height;
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [dx, dy] = displayedAt(n, x, y, width, height);
      rgb.set(sourceAt(dx, dy), (y * width + x) * 3);
    }
  }
  return { width, height, rgb };
}

/**
 * The mean colour of each quadrant of an image (`channels` bytes a pixel):
 * top left, top right, bottom left, bottom right. A margin of a quarter of
 * each quadrant's side is left out, so the blur that JPEG and WebP put on the
 * edges between quadrants (and chroma subsampling) does not count.
 */
export function quadrantMeans(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
): [Rgb, Rgb, Rgb, Rgb] {
  const halfW = width / 2;
  const halfH = height / 2;
  const mean = (qx: number, qy: number): Rgb => {
    const x0 = Math.floor(qx * halfW + halfW / 4);
    const x1 = Math.ceil((qx + 1) * halfW - halfW / 4);
    const y0 = Math.floor(qy * halfH + halfH / 4);
    const y1 = Math.ceil((qy + 1) * halfH - halfH / 4);
    const sum = [0, 0, 0];
    let count = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const i = (y * width + x) * channels;
        for (let c = 0; c < 3; c++) sum[c] = (sum[c] ?? 0) + (pixels[i + c] ?? 0);
        count++;
      }
    }
    return sum.map((s) => Math.round(s / count)) as unknown as Rgb;
  };
  return [mean(0, 0), mean(1, 0), mean(0, 1), mean(1, 1)];
}

/**
 * The largest difference of one channel between two quadrant signatures: a
 * rendition shows the source when this is small (lossy codecs move a flat
 * colour by a few levels; a wrong orientation moves a quadrant by 100 or more).
 */
export function signatureDistance(a: readonly Rgb[], b: readonly Rgb[]): number {
  let worst = 0;
  for (const [q, colour] of a.entries()) {
    for (const [c, v] of colour.entries()) worst = Math.max(worst, Math.abs(v - (b[q]?.[c] ?? -255)));
  }
  return worst;
}
