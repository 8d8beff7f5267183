import sharp from 'sharp';
import { thumbHashToRGBA } from 'thumbhash';
import { afterAll, describe, expect, it } from 'vitest';
import { WasmVipsImageProcessor } from '../../../src/adapters/image/wasm-vips-image-processor.js';
import type { RenderOutput } from '../../../src/application/ports/image-processor.js';
import type { ImageFormat } from '../../../src/domain/content-type.js';
import { CorruptImageError, ImageTooLargeError, UnsupportedImageError } from '../../../src/domain/errors.js';
import { defaultRenditionSettings, type RenditionFormat } from '../../../src/domain/presets.js';
import { planRendition } from '../../../src/domain/sizing.js';
import { heicSample, truncatedHeic, withIspe, withPrimary } from '../../support/heic.js';
import {
  alphaPng,
  animatedGif,
  emptyBytes,
  heicHeader,
  hugePngHeader,
  orientation6Jpeg,
  orientationJpeg,
  photoAvif,
  photoJpeg,
  photoPng,
  photoTiff,
  photoWebp,
  randomBytes,
  svgImage,
  truncatedJpeg,
} from '../../support/images.js';
import {
  ORIENTATION_SOURCE,
  quadrantMeans,
  SOURCE_QUADRANTS,
  signatureDistance,
} from '../../support/orientation.js';

const limits = { maxPixels: 50_000_000 };
// Tests that start several workers: each start under tsx costs about half a second.
const WORKER_TESTS_TIMEOUT = 30_000;
const settings = defaultRenditionSettings;

const processors: WasmVipsImageProcessor[] = [];
const processor = (options?: ConstructorParameters<typeof WasmVipsImageProcessor>[0]) => {
  const p = new WasmVipsImageProcessor(options);
  processors.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(processors.map((p) => p.close()));
});

const images = processor();

async function renderOk(bytes: Uint8Array): Promise<RenderOutput> {
  const result = await images.render(bytes, settings, limits);
  if (!result.ok) throw new Error(`expected a render, got ${result.error.code}: ${result.error.message}`);
  return result.value;
}

/** Every rendition is exactly the domain's plan, and really is an image of that size and format. */
async function expectPlannedRenditions(output: RenderOutput): Promise<void> {
  const { probe } = output;
  expect(output.renditions.map((r) => r.preset)).toEqual(settings.presets.map((p) => p.name));
  for (const [i, preset] of settings.presets.entries()) {
    const rendition = output.renditions[i];
    const plan = planRendition({ width: probe.width, height: probe.height }, probe.orientation, preset);
    expect({ preset: rendition?.preset, width: rendition?.width, height: rendition?.height }).toEqual({
      preset: preset.name,
      ...plan.output,
    });
    const meta = await sharp(rendition?.bytes).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height }).toEqual({
      format: settings.format,
      ...plan.output,
    });
  }
}

describe('WasmVipsImageProcessor', () => {
  describe.each<[ImageFormat, () => Promise<Uint8Array>, { width: number; height: number }]>([
    ['jpeg', () => photoJpeg({ width: 1200, height: 800 }), { width: 1200, height: 800 }],
    ['jpeg', () => photoJpeg({ width: 900, height: 1100, progressive: true }), { width: 900, height: 1100 }],
    ['png', alphaPng, { width: 320, height: 200 }],
    ['png', () => photoPng(), { width: 640, height: 480 }],
    ['webp', () => photoWebp(), { width: 640, height: 480 }],
    ['gif', animatedGif, { width: 120, height: 80 }],
    ['avif', () => photoAvif(), { width: 480, height: 320 }],
    ['tiff', () => photoTiff(), { width: 640, height: 480 }],
    ['heic', async () => heicSample('photo'), { width: 400, height: 300 }],
  ])('a %s of %o', (format, make, size) => {
    it('is probed from its header', async () => {
      const result = await images.probe(await make());
      expect(result).toMatchObject({ ok: true, value: { format, ...size, orientation: 1 } });
    });

    it('renders every default preset at the planned size, with a placeholder', async () => {
      const output = await renderOk(await make());
      expect(output.probe.format).toBe(format);
      expect({ width: output.width, height: output.height }).toEqual(size);
      await expectPlannedRenditions(output);
      const decoded = thumbHashToRGBA(Buffer.from(output.placeholder, 'base64'));
      expect(decoded.w).toBeGreaterThan(0);
      expect(decoded.rgba.length).toBe(decoded.w * decoded.h * 4);
    });
  });

  it('applies EXIF orientation 6: a stored 400x300 shows and renders as portrait', async () => {
    const bytes = await orientation6Jpeg();
    expect(await images.probe(bytes)).toMatchObject({
      ok: true,
      value: { width: 400, height: 300, orientation: 6 },
    });
    const output = await renderOk(bytes);
    expect({ width: output.width, height: output.height }).toEqual({ width: 300, height: 400 });
    await expectPlannedRenditions(output);
    const preview = output.renditions.find((r) => r.preset === 'preview');
    expect({ width: preview?.width, height: preview?.height }).toEqual({ width: 300, height: 400 });
    // Pixels are turned, not tagged: a viewer that ignores EXIF sees it upright too.
    expect((await sharp(preview?.bytes).metadata()).orientation).toBeUndefined();
  });

  // Each orientation 1-8 of one upright source (test/support/orientation.ts), compared with
  // it by the mean colour of each quadrant: a lossy codec moves them a few levels, a wrong
  // turn or mirror by 100 or more.
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('renders EXIF orientation %i as a viewer shows it', async (n) => {
    const output = await renderOk(await orientationJpeg(n));
    expect(output.probe.orientation).toBe(n);
    expect({ width: output.width, height: output.height }).toEqual(ORIENTATION_SOURCE);
    const preview = output.renditions.find((r) => r.preset === 'preview');
    const { data, info } = await sharp(preview?.bytes).raw().toBuffer({ resolveWithObject: true });
    expect({ width: info.width, height: info.height }).toEqual(ORIENTATION_SOURCE);
    const signature = quadrantMeans(data, info.width, info.height, info.channels);
    expect(
      signatureDistance(signature, SOURCE_QUADRANTS),
      `quadrants ${JSON.stringify(signature)}, source ${JSON.stringify(SOURCE_QUADRANTS)}`,
    ).toBeLessThanOrEqual(24);
  });

  it('strips EXIF, GPS, XMP and ICC from every rendition', async () => {
    const bytes = await photoJpeg({ width: 800, height: 600, gps: true });
    expect((await sharp(bytes).metadata()).exif).toBeDefined();
    const output = await renderOk(bytes);
    for (const rendition of output.renditions) {
      const meta = await sharp(rendition.bytes).metadata();
      expect({ exif: meta.exif, xmp: meta.xmp, icc: meta.icc, iptc: meta.iptc }).toEqual({
        exif: undefined,
        xmp: undefined,
        icc: undefined,
        iptc: undefined,
      });
      expect(Buffer.from(rendition.bytes).includes('Test Camera')).toBe(false);
    }
  });

  it('renders only the first frame of an animated GIF', async () => {
    const bytes = await animatedGif();
    expect(await images.probe(bytes)).toMatchObject({ ok: true, value: { pages: 2 } });
    const output = await renderOk(bytes);
    for (const rendition of output.renditions) {
      const meta = await sharp(rendition.bytes).metadata();
      expect(meta.pages ?? 1).toBe(1);
      const [red, , blue] = (await sharp(rendition.bytes).stats()).channels;
      expect(red?.mean).toBeGreaterThan(200);
      expect(blue?.mean).toBeLessThan(50);
    }
  });

  it('keeps transparency of a PNG with alpha', async () => {
    const output = await renderOk(await alphaPng());
    for (const rendition of output.renditions) {
      expect((await sharp(rendition.bytes).metadata()).hasAlpha).toBe(true);
    }
  });

  it('leaves the caller its bytes (a copy crosses to the worker)', async () => {
    const bytes = await photoJpeg({ width: 300, height: 200 });
    const length = bytes.length;
    await renderOk(bytes);
    expect(bytes.length).toBe(length);
  });

  describe("a preset's effort", () => {
    /** The bytes of one 1024 px rendition of `bytes` at `effort` (none: the encoder's default). */
    const renditionBytes = async (
      bytes: Uint8Array,
      format: RenditionFormat,
      effort?: number,
    ): Promise<Uint8Array> => {
      const preset = { name: 'preview', width: 1024, height: 1024, fit: 'inside' as const };
      const result = await images.render(
        bytes,
        { format, quality: 80, presets: [effort === undefined ? preset : { ...preset, effort }] },
        limits,
      );
      if (!result.ok) throw result.error;
      return result.value.renditions[0]?.bytes ?? new Uint8Array();
    };

    // Which effort is smaller depends on the photo (on this noisy synthetic one
    // effort 0 is), so what is checked is that each effort encodes differently
    // and that a preset without one gets libvips' default, 4.
    it(
      'reaches the WebP encoder: efforts 0, 4 and 6 differ, and none is effort 4',
      async () => {
        const bytes = await photoJpeg({ width: 640, height: 480 });
        const e0 = Buffer.from(await renditionBytes(bytes, 'webp', 0));
        const e4 = Buffer.from(await renditionBytes(bytes, 'webp', 4));
        const e6 = Buffer.from(await renditionBytes(bytes, 'webp', 6));
        const none = Buffer.from(await renditionBytes(bytes, 'webp'));
        expect([none.equals(e4), e0.equals(e4), e6.equals(e4), e0.equals(e6)]).toEqual([
          true,
          false,
          false,
          false,
        ]);
      },
      WORKER_TESTS_TIMEOUT,
    );

    it(
      'leaves JPEG, which has no such setting, as it is',
      async () => {
        const bytes = await photoJpeg({ width: 640, height: 480 });
        const e0 = await renditionBytes(bytes, 'jpeg', 0);
        const e6 = await renditionBytes(bytes, 'jpeg', 6);
        expect(Buffer.from(e0).equals(Buffer.from(e6))).toBe(true);
      },
      WORKER_TESTS_TIMEOUT,
    );
  });

  it.each<[string, () => Uint8Array | Promise<Uint8Array>]>([
    ['zero bytes', emptyBytes],
    ['random bytes', () => randomBytes()],
    ['an SVG', svgImage],
  ])('rejects %s as unsupported', async (_, make) => {
    const bytes = await make();
    const rendered = await images.render(bytes, settings, limits);
    expect(rendered.ok ? undefined : rendered.error).toBeInstanceOf(UnsupportedImageError);
    const probed = await images.probe(bytes);
    expect(probed.ok ? undefined : probed.error).toBeInstanceOf(UnsupportedImageError);
  });

  describe('HEIC', () => {
    /** The mean of each band over the pixels of a rendition for which `where` holds. */
    async function pixelsOf(bytes: Uint8Array) {
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      const at = (x: number, y: number) => {
        const i = (y * info.width + x) * info.channels;
        return Array.from(data.subarray(i, i + info.channels));
      };
      return { at, width: info.width, height: info.height, channels: info.channels };
    }
    const isRed = ([r = 0, g = 0, b = 0]: number[]) => r > 180 && g < 90 && b < 90;
    const isBlue = ([r = 0, g = 0, b = 0]: number[]) => b > 180 && r < 90 && g < 90;

    it('applies clap and irot: a stored 480x320 shows as 300x400, turned a quarter clockwise', async () => {
      const bytes = heicSample('rotated');
      expect(await images.probe(bytes)).toMatchObject({
        ok: true,
        value: { format: 'heic', width: 400, height: 300, orientation: 6 },
      });
      const output = await renderOk(bytes);
      expect({ width: output.width, height: output.height }).toEqual({ width: 300, height: 400 });
      await expectPlannedRenditions(output);
      const large = await pixelsOf(output.renditions.find((r) => r.preset === 'large')?.bytes as Uint8Array);
      expect([large.width, large.height]).toEqual([300, 400]);
      // Stored, red is near the top-left and blue near the bottom-left; turned clockwise,
      // red is near the top-right and blue near the top-left.
      expect(isRed(large.at(249, 60))).toBe(true);
      expect(isBlue(large.at(49, 60))).toBe(true);
      expect(isRed(large.at(49, 60)) || isRed(large.at(249, 340))).toBe(false);
    });

    it('renders a 12 MP HEIC whole: its pixels cross in strips, joined back to 4000x3000', async () => {
      const output = await renderOk(heicSample('large'));
      expect({ width: output.width, height: output.height }).toEqual({ width: 4000, height: 3000 });
      await expectPlannedRenditions(output);
      const large = await pixelsOf(output.renditions.find((r) => r.preset === 'large')?.bytes as Uint8Array);
      expect([large.width, large.height]).toEqual([2048, 1536]);
      // The red block is the top-left tenth, the blue one the bottom-right tenth.
      expect(isRed(large.at(60, 60))).toBe(true);
      expect(isBlue(large.at(2048 - 60, 1536 - 60))).toBe(true);
      expect(isBlue(large.at(60, 1536 - 60)) || isRed(large.at(2048 - 60, 60))).toBe(false);
    });

    it('keeps the alpha plane', async () => {
      const output = await renderOk(heicSample('alpha'));
      for (const rendition of output.renditions) {
        const px = await pixelsOf(rendition.bytes);
        expect(px.channels).toBe(4);
        expect(px.at(0, 0)[3]).toBeLessThan(16);
        expect(px.at(Math.floor(px.width / 2), Math.floor(px.height / 2))[3]).toBeGreaterThan(240);
      }
    });

    it('converts Display P3 to sRGB and strips the profile', async () => {
      const output = await renderOk(heicSample('p3'));
      for (const rendition of output.renditions) {
        expect((await sharp(rendition.bytes).metadata()).icc).toBeUndefined();
        const [r = 0, g = 0, b = 0] = (await pixelsOf(rendition.bytes)).at(10, 10);
        // sRGB (40, 200, 60) went in; left in P3 numbers it would read about (96, 197, 81).
        expect(Math.abs(r - 40) + Math.abs(g - 200) + Math.abs(b - 60)).toBeLessThan(25);
      }
    });

    it('renders the primary image of a file with two, whichever it is', async () => {
      const asWritten = await renderOk(heicSample('two-images'));
      expect({ width: asWritten.width, height: asWritten.height }).toEqual({ width: 64, height: 48 });
      expect(isRed((await pixelsOf(asWritten.renditions[1]?.bytes as Uint8Array)).at(5, 5))).toBe(true);
      const blueFirst = await renderOk(withPrimary(heicSample('two-images'), 3));
      expect({ width: blueFirst.width, height: blueFirst.height }).toEqual({ width: 96, height: 64 });
      expect(isBlue((await pixelsOf(blueFirst.renditions[1]?.bytes as Uint8Array)).at(5, 5))).toBe(true);
    });

    it('rejects a HEIC cut short as corrupt, saying why', async () => {
      const result = await images.render(truncatedHeic(heicSample('photo')), settings, limits);
      const error = result.ok ? undefined : result.error;
      expect(error).toBeInstanceOf(CorruptImageError);
      expect(error?.message).toMatch(/heic|HEIF/i);
      expect(error?.message).toMatch(/end of file|outside of file/i);
    });

    it('rejects a HEIC whose ispe says 100000x100000 as too large, before decoding', async () => {
      const bytes = withIspe(heicSample('photo'), 100_000, 100_000);
      const before = images.stats().workersLost;
      const started = performance.now();
      const result = await images.render(bytes, settings, limits);
      expect(performance.now() - started).toBeLessThan(1000);
      expect(result.ok ? undefined : result.error).toEqual(
        new ImageTooLargeError(100_000, 100_000, limits.maxPixels),
      );
      expect(images.stats().workersLost).toBe(before);
    });

    it('rejects a HEIC of a stub meta box as corrupt', async () => {
      const result = await images.render(heicHeader(), settings, limits);
      expect(result.ok ? undefined : result.error).toBeInstanceOf(CorruptImageError);
    });

    it(
      'loads libheif-js into the worker that meets a HEIC, which goes on with every format',
      async () => {
        const mixed = processor();
        const jpeg = await photoJpeg({ width: 300, height: 200 });
        const formats: string[] = [];
        const libheifHeaps: number[] = [];
        for (const bytes of [jpeg, heicSample('photo'), jpeg, heicSample('alpha')]) {
          const result = await mixed.render(bytes, settings, limits);
          formats.push(result.ok ? result.value.probe.format : result.error.code);
          libheifHeaps.push(mixed.stats().current?.libheifHeapBytes ?? -1);
        }
        expect(formats).toEqual(['jpeg', 'heic', 'jpeg', 'heic']);
        expect(libheifHeaps[0]).toBe(0);
        expect(libheifHeaps.slice(1).every((bytes) => bytes > 0)).toBe(true);
        expect(mixed.stats()).toMatchObject({ workersStarted: 1, workersLost: 0 });
      },
      WORKER_TESTS_TIMEOUT,
    );

    it(
      'replaces its worker once libheif-js heap passes maxLibheifHeapBytes',
      async () => {
        const recycling = processor({ maxLibheifHeapBytes: 1 });
        for (let i = 0; i < 2; i++)
          expect((await recycling.render(heicSample('photo'), settings, limits)).ok).toBe(true);
        expect(recycling.stats()).toMatchObject({ workersStarted: 2, workersLost: 0 });
      },
      WORKER_TESTS_TIMEOUT,
    );
  });

  it('crops the thumb around an off-centre subject (attention), not the middle', async () => {
    // A plain grey field with a saturated red disc near its right edge: a centred square
    // window (x 300-900) would miss the disc entirely.
    const bytes = new Uint8Array(
      await sharp(
        Buffer.from(
          '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="600">' +
            '<rect width="1200" height="600" fill="#8a8a8a"/><circle cx="1060" cy="300" r="120" fill="#e00000"/></svg>',
        ),
      )
        .flatten()
        .png()
        .toBuffer(),
    );
    const output = await renderOk(bytes);
    await expectPlannedRenditions(output);
    const thumb = output.renditions.find((r) => r.preset === 'thumb');
    const { data, info } = await sharp(thumb?.bytes).raw().toBuffer({ resolveWithObject: true });
    let red = 0;
    for (let i = 0; i < data.length; i += info.channels) {
      if ((data[i] ?? 0) > 180 && (data[i + 1] ?? 255) < 90 && (data[i + 2] ?? 255) < 90) red++;
    }
    // The disc is an eighth of a 600x600 window that holds it all.
    expect(red / (info.width * info.height)).toBeGreaterThan(0.08);
  });

  it('rejects a truncated JPEG as corrupt', async () => {
    const result = await images.render(await truncatedJpeg(), settings, limits);
    expect(result.ok ? undefined : result.error).toBeInstanceOf(CorruptImageError);
  });

  it('rejects a 100000x100000 PNG as too large from its header, without decoding it', async () => {
    const bytes = hugePngHeader();
    expect(await images.probe(bytes)).toMatchObject({ ok: true, value: { width: 100_000, height: 100_000 } });
    const before = images.stats().workersLost;
    const started = performance.now();
    const result = await images.render(bytes, settings, limits);
    // Decoding 10 gigapixels would take minutes or kill the worker; a header read takes milliseconds.
    expect(performance.now() - started).toBeLessThan(1000);
    expect(result.ok ? undefined : result.error).toEqual(
      new ImageTooLargeError(100_000, 100_000, limits.maxPixels),
    );
    expect(images.stats().workersLost).toBe(before);
  });

  it(
    'replaces its worker after maxImagesPerWorker renders without failing a job',
    async () => {
      const recycling = processor({ maxImagesPerWorker: 2 });
      const bytes = await photoJpeg({ width: 300, height: 200 });
      const results = await Promise.all(
        Array.from({ length: 7 }, () => recycling.render(bytes, settings, limits)),
      );
      expect(results.map((r) => r.ok)).toEqual(Array(7).fill(true));
      expect(recycling.stats()).toMatchObject({ workersStarted: 4, workersLost: 0 });
    },
    WORKER_TESTS_TIMEOUT,
  );

  it(
    'replaces its worker once the heap passes maxHeapBytes',
    async () => {
      const recycling = processor({ maxHeapBytes: 1 });
      const bytes = await photoJpeg({ width: 300, height: 200 });
      for (let i = 0; i < 2; i++) expect((await recycling.render(bytes, settings, limits)).ok).toBe(true);
      expect(recycling.stats()).toMatchObject({ workersStarted: 2, workersLost: 0 });
    },
    WORKER_TESTS_TIMEOUT,
  );

  it(
    'starts a worker with libheif when the first AVIF arrives, and keeps it for every format',
    async () => {
      const mixed = processor();
      const jpeg = await photoJpeg({ width: 300, height: 200 });
      const avif = await photoAvif();
      const formats: string[] = [];
      for (const bytes of [jpeg, jpeg, avif, jpeg, avif]) {
        const result = await mixed.render(bytes, settings, limits);
        formats.push(result.ok ? result.value.probe.format : result.error.code);
      }
      expect(formats).toEqual(['jpeg', 'jpeg', 'avif', 'jpeg', 'avif']);
      expect(mixed.stats()).toMatchObject({ workersStarted: 2, workersLost: 0 });
    },
    WORKER_TESTS_TIMEOUT,
  );

  it(
    'retries a job on a fresh worker when its worker dies mid-job',
    async () => {
      let killed = 0;
      const fragile = processor({
        onJobDispatched: ({ worker, attempt }) => {
          if (attempt === 1 && killed++ === 0) void worker.terminate();
        },
      });
      const result = await fragile.render(await photoJpeg({ width: 300, height: 200 }), settings, limits);
      expect(result.ok).toBe(true);
      expect(fragile.stats()).toMatchObject({ workersStarted: 2, workersLost: 1 });
    },
    WORKER_TESTS_TIMEOUT,
  );

  it(
    'ends a worker that does not answer within jobTimeoutMs, retries once, then throws',
    async () => {
      const impatient = processor({ jobTimeoutMs: 1 });
      const error = await impatient
        .render(await photoJpeg({ width: 1200, height: 800 }), settings, limits)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(/failed on 2 workers/);
      expect(((error as Error).cause as Error).message).toMatch(/did not finish a job within 1 ms/);
      expect(impatient.stats()).toMatchObject({ workersStarted: 2, workersLost: 2 });
    },
    WORKER_TESTS_TIMEOUT,
  );

  it(
    'warms a worker up with a synthetic render that the next job then runs on, uncounted',
    async () => {
      const warmed = processor({ maxImagesPerWorker: 1 });
      await warmed.warm(settings, { width: 256, height: 192 });
      expect(warmed.stats()).toMatchObject({ workersStarted: 1, current: { images: 0 } });
      const result = await warmed.render(await photoJpeg({ width: 300, height: 200 }), settings, limits);
      expect(result.ok).toBe(true);
      // The one render allowed was the photo's, on the warmed worker, which was then replaced.
      expect(warmed.stats()).toMatchObject({ workersStarted: 1, workersLost: 0 });
      expect(warmed.stats().current).toBeUndefined();
    },
    WORKER_TESTS_TIMEOUT,
  );

  it(
    'throws, rather than returning a rejection, when the retry dies too',
    async () => {
      const doomed = processor({ onJobDispatched: ({ worker }) => void worker.terminate() });
      await expect(
        doomed.render(await photoJpeg({ width: 300, height: 200 }), settings, limits),
      ).rejects.toThrow(/failed on 2 workers/);
    },
    WORKER_TESTS_TIMEOUT,
  );
});
