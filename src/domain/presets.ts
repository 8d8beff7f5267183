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
}

/** Every rendition made of a photo, and how they are encoded. */
export interface RenditionSettings {
  readonly presets: readonly Preset[];
  readonly format: RenditionFormat;
  /** Encoder quality, 1-100. */
  readonly quality: number;
}

export const defaultRenditionSettings: RenditionSettings = {
  presets: [
    { name: 'thumb', width: 256, height: 256, fit: 'cover' },
    { name: 'preview', width: 1024, height: 1024, fit: 'inside' },
    { name: 'large', width: 2048, height: 2048, fit: 'inside' },
  ],
  format: 'webp',
  quality: 80,
};

const PRESET_NAME = /^[a-z][a-z0-9-]{0,31}$/;
const MAX_SIDE = 16_384;
/** Names of files a video keeps beside its renditions (`poster.jpg`, `video.mp4`): no preset may take them. */
const RESERVED_NAMES = new Set(['poster', 'video']);

export const RenditionSettings = {
  /**
   * Checks configured settings: unique lower-case names (not `poster` or
   * `video`, which name a video's files), boxes of 1-16384 px, quality 1-100.
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
