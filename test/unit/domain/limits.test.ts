import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ImageTooLargeError } from '#domain/errors.js';
import { defaultLimits, pixelLimitError } from '#domain/limits.js';

const side = fc.integer({ min: 1, max: 200_000 });

describe('the pixel limit', () => {
  test.prop([side, side, fc.integer({ min: 1, max: 2_000_000_000 })])(
    'rejects exactly the sizes over the limit, naming the size and the limit',
    (width, height, maxPixels) => {
      const error = pixelLimitError({ width, height }, maxPixels);
      expect(error === undefined).toBe(width * height <= maxPixels);
      if (error) {
        expect(error).toBeInstanceOf(ImageTooLargeError);
        expect(error).toMatchObject({ code: 'image-too-large', width, height, maxPixels });
      }
    },
  );

  it('takes 50 MP by default: 10000x5000 passes, 10000x5001 and the 100000x100000 bomb do not', () => {
    expect(pixelLimitError({ width: 10_000, height: 5_000 }, defaultLimits.maxPixels)).toBeUndefined();
    expect(pixelLimitError({ width: 10_000, height: 5_001 }, defaultLimits.maxPixels)?.code).toBe(
      'image-too-large',
    );
    expect(pixelLimitError({ width: 100_000, height: 100_000 }, defaultLimits.maxPixels)?.message).toMatch(
      /100000/,
    );
  });

  it.each([
    [9000, 6000, 50_000_000, '9000x6000 is 54 MP, over the 50 MP limit'],
    [10_000, 5001, 50_000_000, '10000x5001 is 50.01 MP, over the 50 MP limit'],
    [20, 10, 100, '20x10 is 0.0002 MP, over the 0.0001 MP limit'],
  ])('says %ix%i against %i in megapixels, with as few decimals as tell them apart', (w, h, max, message) => {
    expect(pixelLimitError({ width: w, height: h }, max)?.message).toBe(message);
  });
});
