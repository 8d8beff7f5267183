import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Test images made in Node (workerd has no encoder), base64. */
    workerImages: { readonly portraitJpeg: string; readonly squarePng: string; readonly rotatedHeic: string };
  }
}

/**
 * Makes the test images in Node with sharp before the workerd tests start:
 * a 1600x1200 JPEG stored sideways (EXIF orientation 6, so it shows 1200x1600)
 * and a small PNG with alpha; and the committed rotated HEIC sample (test/fixtures/heic).
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
  project.provide('workerImages', {
    portraitJpeg: portraitJpeg.toString('base64'),
    squarePng: squarePng.toString('base64'),
    rotatedHeic: Buffer.from(heicSample('rotated')).toString('base64'),
  });
}
