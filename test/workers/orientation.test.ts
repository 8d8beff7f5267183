import { env } from 'cloudflare:workers';
import type { ReadableStream as WorkersReadableStream } from '@cloudflare/workers-types/index.js';
import { describe, expect, inject, it } from 'vitest';
import { CloudflareImagesProcessor } from '../../src/adapters/cloudflare/cloudflare-images-processor.js';
import { decodePng } from '../../src/adapters/cloudflare/decode-png.js';
import { defaultRenditionSettings } from '../../src/domain/presets.js';
import {
  ORIENTATION_SOURCE,
  quadrantMeans,
  SOURCE_QUADRANTS,
  signatureDistance,
} from '../support/orientation.js';
import { fromBase64 } from './support.js';

const images = inject('workerImages');
const limits = { maxPixels: 50_000_000 };

// A lossy codec moves a flat quadrant by a few levels; a wrong orientation by 100 or more.
const TOLERANCE = 24;

const streamOf = (bytes: Uint8Array): WorkersReadableStream<Uint8Array> =>
  new Blob([bytes as Uint8Array<ArrayBuffer>]).stream() as unknown as WorkersReadableStream<Uint8Array>;

/** A rendition decoded to pixels: the binding makes a PNG of it, which decodePng reads. */
async function pixelsOf(rendition: Uint8Array) {
  const result = await env.IMAGES.input(streamOf(rendition)).output({ format: 'image/png' });
  return decodePng(new Uint8Array(await result.response().arrayBuffer()));
}

/**
 * Each EXIF orientation 1-8 of one upright source (test/support/orientation.ts)
 * through the real adapter on Miniflare's local Images binding: the `preview`
 * rendition must show what an image viewer shows, the source itself.
 */
describe('CloudflareImagesProcessor and EXIF orientation (local Images binding)', () => {
  const processor = new CloudflareImagesProcessor(env.IMAGES);

  it.each([1, 2, 3, 4, 5, 6, 7, 8])('renders orientation %i upright and unmirrored', async (n) => {
    const bytes = fromBase64(images.orientedJpegs[n - 1] ?? '');
    const result = await processor.render(bytes, defaultRenditionSettings, limits);
    if (!result.ok) throw new Error(`expected a render, got ${result.error.code}: ${result.error.message}`);
    const { probe, width, height, renditions } = result.value;
    expect(probe.orientation).toBe(n);
    expect({ width, height }).toEqual(ORIENTATION_SOURCE);

    const preview = renditions.find((r) => r.preset === 'preview');
    if (!preview) throw new Error('no preview rendition');
    expect({ width: preview.width, height: preview.height }).toEqual(ORIENTATION_SOURCE);
    const decoded = await pixelsOf(preview.bytes);
    expect({ width: decoded.width, height: decoded.height }).toEqual(ORIENTATION_SOURCE);
    const signature = quadrantMeans(decoded.rgba, decoded.width, decoded.height, 4);
    expect(
      signatureDistance(signature, SOURCE_QUADRANTS),
      `quadrants ${JSON.stringify(signature)}, source ${JSON.stringify(SOURCE_QUADRANTS)}`,
    ).toBeLessThanOrEqual(TOLERANCE);
  });
});
