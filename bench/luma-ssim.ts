/**
 * SSIM over luma, written here because no perceptual-metric package is
 * installed (SSIMULACRA2 and butteraugli would be better judges; see
 * bench/results/webp-effort.md).
 *
 * The index of Wang, Bovik, Sheikh and Simoncelli, "Image quality assessment:
 * from error visibility to structural similarity", IEEE Transactions on Image
 * Processing 13(4), 600-612, 2004, as their reference ssim_index.m computes it:
 *
 *   SSIM(x, y) = ((2 mu_x mu_y + C1)(2 sigma_xy + C2)) /
 *                ((mu_x^2 + mu_y^2 + C1)(sigma_x^2 + sigma_y^2 + C2))
 *
 * with local statistics under an 11x11 circular Gaussian window (sigma 1.5,
 * weights summing to 1; eq. 14-16), C1 = (0.01 L)^2 and C2 = (0.03 L)^2 for
 * L = 255, over every window wholly inside the image ('valid'), and the mean
 * of that map as the score (MSSIM, eq. 17). Luma is Rec. 601 Y' = 0.299 R +
 * 0.587 G + 0.114 B, as MATLAB's rgb2gray gives the reference code. Unlike
 * the later ssim.m wrapper the images are not downsampled first: a rendition
 * is meant to be seen at its own size.
 *
 * @example
 * const ssim = new LumaSsim(referenceRgb, width, height, 3);
 * const score = ssim.score(decodedRgb); // 1 for identical pixels
 */

const RADIUS = 5;
const SIGMA = 1.5;
const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

const KERNEL = (() => {
  const k = Array.from({ length: 2 * RADIUS + 1 }, (_, i) =>
    Math.exp(-((i - RADIUS) ** 2) / (2 * SIGMA ** 2)),
  );
  const sum = k.reduce((a, b) => a + b, 0);
  return Float64Array.from(k, (v) => v / sum);
})();

/** Mean SSIM of images against one reference, whose local statistics are computed once. */
export class LumaSsim {
  readonly #width: number;
  readonly #height: number;
  readonly #bands: number;
  readonly #x: Float64Array;
  readonly #meanX: Float64Array;
  readonly #varX: Float64Array;

  /** `reference`: interleaved 8-bit pixels, `bands` a pixel (1-2 grey, 3-4 RGB; alpha ignored). */
  constructor(reference: Uint8Array, width: number, height: number, bands: number) {
    if (width <= 2 * RADIUS || height <= 2 * RADIUS) throw new Error(`SSIM needs 11x11 px at least`);
    this.#width = width;
    this.#height = height;
    this.#bands = bands;
    this.#x = this.#luma(reference);
    this.#meanX = this.#blur(this.#x);
    const sq = this.#blur(this.#x.map((v) => v * v));
    this.#varX = sq.map((v, i) => v - (this.#meanX[i] as number) ** 2);
  }

  /** Mean SSIM of `image` (same size and bands as the reference) against the reference: 1 when identical. */
  score(image: Uint8Array): number {
    const y = this.#luma(image);
    const meanY = this.#blur(y);
    const sqY = this.#blur(y.map((v) => v * v));
    const xy = this.#blur(y.map((v, i) => v * (this.#x[i] as number)));
    let sum = 0;
    for (let i = 0; i < meanY.length; i++) {
      const mx = this.#meanX[i] as number;
      const my = meanY[i] as number;
      const vx = this.#varX[i] as number;
      const vy = (sqY[i] as number) - my * my;
      const cov = (xy[i] as number) - mx * my;
      sum += ((2 * mx * my + C1) * (2 * cov + C2)) / ((mx * mx + my * my + C1) * (vx + vy + C2));
    }
    return sum / meanY.length;
  }

  #luma(pixels: Uint8Array): Float64Array {
    const n = this.#width * this.#height;
    const bands = this.#bands;
    if (pixels.length !== n * bands) {
      throw new Error(`expected ${this.#width}x${this.#height}x${bands} bytes, got ${pixels.length}`);
    }
    const out = new Float64Array(n);
    for (let i = 0, p = 0; i < n; i++, p += bands) {
      out[i] =
        bands >= 3
          ? 0.299 * (pixels[p] as number) +
            0.587 * (pixels[p + 1] as number) +
            0.114 * (pixels[p + 2] as number)
          : (pixels[p] as number);
    }
    return out;
  }

  /** The Gaussian-weighted local mean of every window wholly inside the image (separable, 'valid'). */
  #blur(plane: Float64Array): Float64Array {
    const w = this.#width;
    const h = this.#height;
    const ow = w - 2 * RADIUS;
    const oh = h - 2 * RADIUS;
    const rows = new Float64Array(ow * h);
    for (let y = 0; y < h; y++) {
      const row = y * w;
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let k = 0; k < KERNEL.length; k++) s += (KERNEL[k] as number) * (plane[row + x + k] as number);
        rows[y * ow + x] = s;
      }
    }
    const out = new Float64Array(ow * oh);
    for (let y = 0; y < oh; y++) {
      for (let x = 0; x < ow; x++) {
        let s = 0;
        for (let k = 0; k < KERNEL.length; k++)
          s += (KERNEL[k] as number) * (rows[(y + k) * ow + x] as number);
        out[y * ow + x] = s;
      }
    }
    return out;
  }
}
