import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#domain/errors.js';
import { defaultLimits } from '#domain/limits.js';
import { defaultRenditionSettings, type Preset, RenditionSettings } from '#domain/presets.js';
import { defaultVideoLimits } from '#domain/video-limits.js';
import { presetName, renditionFormat } from './arbitraries.js';

const side = fc.integer({ min: 1, max: 16_384 });
const preset: fc.Arbitrary<Preset> = fc.record(
  {
    name: presetName,
    width: side,
    height: side,
    fit: fc.constantFrom('inside' as const, 'cover' as const),
    effort: fc.integer({ min: 0, max: 6 }),
  },
  { requiredKeys: ['name', 'width', 'height', 'fit'] },
);
const validSettings = fc.record({
  presets: fc.uniqueArray(preset, { minLength: 1, maxLength: 6, selector: (p) => p.name }),
  format: renditionFormat,
  quality: fc.integer({ min: 1, max: 100 }),
});

const rejectedOn = (settings: RenditionSettings, field: string): void => {
  const parsed = RenditionSettings.parse(settings);
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) {
    expect(parsed.error).toBeInstanceOf(InvalidInputError);
    expect(parsed.error.field).toBe(field);
  }
};

describe('RenditionSettings.parse', () => {
  it('accepts the defaults: thumb 256 cover, preview 1024 and large 2048 inside, WebP q80 at efforts 4, 2 and 2', () => {
    expect(RenditionSettings.parse(defaultRenditionSettings)).toEqual({
      ok: true,
      value: defaultRenditionSettings,
    });
    expect(defaultRenditionSettings).toEqual({
      presets: [
        { name: 'thumb', width: 256, height: 256, fit: 'cover', effort: 4 },
        { name: 'preview', width: 1024, height: 1024, fit: 'inside', effort: 2 },
        { name: 'large', width: 2048, height: 2048, fit: 'inside', effort: 2 },
      ],
      format: 'webp',
      quality: 80,
    });
  });

  test.prop([validSettings])('accepts unique names, 1-16384 px sides and quality 1-100', (settings) => {
    expect(RenditionSettings.parse(settings)).toEqual({ ok: true, value: settings });
  });

  test.prop([validSettings, fc.nat()])('rejects a preset named twice', (settings, at) => {
    const twin = settings.presets[at % settings.presets.length] as Preset;
    rejectedOn({ ...settings, presets: [...settings.presets, { ...twin, width: 1 }] }, 'presets');
  });

  test.prop([
    validSettings,
    fc.nat(),
    fc.constantFrom('width' as const, 'height' as const),
    fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 16_385 }),
      fc.double({ noInteger: true }),
      fc.constant(Number.NaN),
    ),
  ])('rejects a side that is not a whole 1-16384', (settings, at, which, bad) => {
    const i = at % settings.presets.length;
    const presets = settings.presets.map((p, j) => (j === i ? { ...p, [which]: bad } : p));
    rejectedOn({ ...settings, presets }, 'presets');
  });

  test.prop([
    validSettings,
    fc.nat(),
    fc.oneof(
      fc.integer({ max: -1 }),
      fc.integer({ min: 7 }),
      fc.double({ min: 0, max: 6, noInteger: true }),
      fc.constant(Number.NaN),
    ),
  ])('rejects an effort that is not a whole 0-6', (settings, at, effort) => {
    const i = at % settings.presets.length;
    const presets = settings.presets.map((p, j) => (j === i ? { ...p, effort } : p));
    rejectedOn({ ...settings, presets }, 'presets');
  });

  test.prop([
    validSettings,
    fc.oneof(
      fc.integer({ max: 0 }),
      fc.integer({ min: 101 }),
      fc.double({ min: 1, max: 100, noInteger: true }),
    ),
  ])('rejects a quality that is not a whole 1-100', (settings, quality) => {
    rejectedOn({ ...settings, quality }, 'quality');
  });

  test.prop([validSettings, fc.string({ maxLength: 40 })])(
    'rejects a preset name that is not a-z0-9-',
    (settings, name) => {
      fc.pre(!/^[a-z][a-z0-9-]{0,31}$/.test(name));
      rejectedOn({ ...settings, presets: [{ name, width: 1, height: 1, fit: 'inside' }] }, 'presets');
    },
  );

  it.each(['poster', 'video'])("rejects the preset name %s, which names a video's file", (name) => {
    rejectedOn(
      { ...defaultRenditionSettings, presets: [{ name, width: 256, height: 256, fit: 'cover' }] },
      'presets',
    );
  });

  it('rejects no presets at all', () => {
    rejectedOn({ ...defaultRenditionSettings, presets: [] }, 'presets');
  });

  it('maps formats to file extensions', () => {
    expect(RenditionSettings.extension('jpeg')).toBe('jpg');
    expect(RenditionSettings.extension('webp')).toBe('webp');
    expect(RenditionSettings.extension('avif')).toBe('avif');
  });
});

describe('defaultLimits', () => {
  it('allows 50 MiB and 50 megapixels per photo, 2 GiB per video, 4 MiB through the API, parts of 8 MiB over 16 MiB', () => {
    expect(defaultLimits).toEqual({
      maxOriginalBytes: 50 * 1024 * 1024,
      video: defaultVideoLimits,
      maxPixels: 50_000_000,
      maxDirectUploadBytes: 4 * 1024 * 1024,
      multipartThresholdBytes: 16 * 1024 * 1024,
      multipartPartBytes: 8 * 1024 * 1024,
      pendingUploadGraceSeconds: 14 * 24 * 3600,
    });
    expect(defaultLimits.video.maxBytes).toBe(2 * 1024 ** 3);
    // S3 and R2 refuse parts under 5 MiB (but the last).
    expect(defaultLimits.multipartPartBytes).toBeGreaterThanOrEqual(5 * 1024 * 1024);
    // Lambda caps a request at 6 MB, and base64 adds a third on top of binary bodies.
    expect((defaultLimits.maxDirectUploadBytes * 4) / 3).toBeLessThan(6_000_000);
  });
});
