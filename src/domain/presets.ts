import { InvalidInputError } from './errors.js';
import { err, ok, type Result } from './result.js';

/** How a preset fills its box: `inside` keeps the whole image, `cover` fills the box and crops the overflow. */
export type Fit = 'inside' | 'cover';

/** The formats renditions can be written in. */
export type RenditionFormat = 'webp' | 'avif' | 'jpeg';

/** One rendition size, named (`thumb`, `preview` ...) and boxed. */
export interface Preset {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly fit: Fit;
  /**
   * WebP encoder effort, 0-6 (libwebp's `method`: 0 fastest, 6 smallest);
   * absent, the encoder's default, 4. Other formats ignore it: AVIF's effort
   * counts 0-9 and JPEG has none. The defaults are chosen in
   * docs/design-notes.md from bench/results/webp-effort.md.
   */
  readonly effort?: number;
}

/** Every rendition made of a photo, and how they are encoded. */
export interface RenditionSettings {
  readonly presets: readonly Preset[];
  readonly format: RenditionFormat;
  /** Encoder quality, 1-100. */
  readonly quality: number;
}

/**
 * Three renditions in WebP q80. The efforts come from 26 real photographs
 * (bench/results/webp-effort.md; reasoning in docs/design-notes.md): effort 2
 * encodes 2.6-2.7x faster than 4 for about 4% more bytes and 0.3% less SSIM,
 * which pays on the two large renditions and not on the thumbnail, the most
 * viewed and the cheapest to encode.
 */
export const defaultRenditionSettings: RenditionSettings = {
  presets: [
    { name: 'thumb', width: 256, height: 256, fit: 'cover', effort: 4 },
    { name: 'preview', width: 1024, height: 1024, fit: 'inside', effort: 2 },
    { name: 'large', width: 2048, height: 2048, fit: 'inside', effort: 2 },
  ],
  format: 'webp',
  quality: 80,
};

const PRESET_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_SIDE = 16_384;
const MAX_EFFORT = 6;
/** Names of files a video keeps beside its renditions (`poster.jpg`, `video.mp4`): no preset may take them. */
const RESERVED_NAMES = new Set(['poster', 'video']);

export const RenditionSettings = {
  /**
   * Checks configured settings: unique lower-case names (not `poster` or
   * `video`, which name a video's files), boxes of 1-16384 px, efforts of
   * 0-6 where given, quality 1-100.
   */
  parse(settings: RenditionSettings): Result<RenditionSettings, InvalidInputError> {
    if (settings.presets.length === 0)
      return err(new InvalidInputError('at least one preset is needed', 'presets'));
    const names = new Set<string>();
    for (const p of settings.presets) {
      if (!PRESET_NAME.test(p.name))
        return err(new InvalidInputError(`preset name ${p.name} is not a-z0-9-`, 'presets'));
      if (names.has(p.name)) return err(new InvalidInputError(`preset ${p.name} is named twice`, 'presets'));
      if (RESERVED_NAMES.has(p.name)) {
        return err(new InvalidInputError(`preset name ${p.name} is reserved for a video's files`, 'presets'));
      }
      names.add(p.name);
      for (const side of [p.width, p.height]) {
        if (!Number.isInteger(side) || side < 1 || side > MAX_SIDE) {
          return err(new InvalidInputError(`preset ${p.name} needs sides of 1-${MAX_SIDE} px`, 'presets'));
        }
      }
      if (p.effort !== undefined && (!Number.isInteger(p.effort) || p.effort < 0 || p.effort > MAX_EFFORT)) {
        return err(new InvalidInputError(`preset ${p.name} needs an effort of 0-${MAX_EFFORT}`, 'presets'));
      }
    }
    if (!Number.isInteger(settings.quality) || settings.quality < 1 || settings.quality > 100) {
      return err(new InvalidInputError('quality must be 1-100', 'quality'));
    }
    return ok(settings);
  },

  /** Preset names no preset may take: a video's files are named so beside its renditions. */
  reservedNames: [...RESERVED_NAMES] as readonly string[],

  /** File extension of a rendition format. */
  extension(format: RenditionFormat): string {
    return format === 'jpeg' ? 'jpg' : format;
  },
};
