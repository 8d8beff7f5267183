import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Test images made in Node (workerd has no encoder), base64. */
    workerImages: {
      readonly portraitJpeg: string;
      readonly squarePng: string;
      readonly rotatedHeic: string;
      /** The reference source of test/support/orientation.ts stored under EXIF orientation 1-8, in order. */
      readonly orientedJpegs: readonly string[];
    };
  }
}

/**
 * Makes the test images in Node with sharp before the workerd tests start:
 * a 1600x1200 JPEG stored sideways (EXIF orientation 6, so it shows 1200x1600)
 * and a small PNG with alpha; the committed rotated HEIC sample (test/fixtures/heic);
 * and one JPEG per EXIF orientation 1-8 that a viewer shows as the same upright source.
 */
export default async function setup(project: TestProject): Promise<void> {
  const { default: sharp } = await import('sharp');
  const portraitJpeg = await sharp({
    create: { width: 1600, height: 1200, channels: 3, background: { r: 200, g: 80, b: 40 } },
  })
    .jpeg({ quality: 85 })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  const squarePng = await sharp({
    create: { width: 300, height: 300, channels: 4, background: { r: 20, g: 120, b: 220, alpha: 0.5 } },
  })
    .png()
    .toBuffer();
  const { heicSample } = await import('../support/heic.js');
  const { orientationJpeg } = await import('../support/images.js');
  const orientedJpegs = await Promise.all(
    [1, 2, 3, 4, 5, 6, 7, 8].map(async (n) => Buffer.from(await orientationJpeg(n)).toString('base64')),
  );
  project.provide('workerImages', {
    portraitJpeg: portraitJpeg.toString('base64'),
    squarePng: squarePng.toString('base64'),
    rotatedHeic: Buffer.from(heicSample('rotated')).toString('base64'),
    orientedJpegs,
  });
}
