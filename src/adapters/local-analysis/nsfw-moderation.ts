import type { ModerationLabel } from '../../domain/image-analysis.js';

/**
 * The five classes nsfwjs's models answer (its `NSFW_CLASSES`; restated, as its typings
 * do not resolve under NodeNext).
 */
export type NsfwClass = 'Drawing' | 'Hentai' | 'Neutral' | 'Porn' | 'Sexy';

/** One class and its probability (0-1), as nsfwjs's `classify` answers. */
export interface NsfwPrediction {
  readonly className: string;
  readonly probability: number;
}

/**
 * Each nsfwjs class onto a top-level (level 1) category of Rekognition's moderation
 * taxonomy, version 7, or `null` for a class that is deliberately not recorded:
 *
 * - `Porn` (photographed sex and exposed genitals) and `Hentai` (drawn pornography) are
 *   both `Explicit`. Only level 1 is claimed: the model cannot tell Rekognition's level-2
 *   labels (Explicit Nudity, Explicit Sexual Activity, Sex Toys) apart.
 * - `Sexy` has no version-7 category it means (it is lingerie and swimwear, but also
 *   revealing clothes and poses), and on ordinary photos it fires at 78-85% (a clothed
 *   man, a living room with a wine bottle; docs/analysis.md), so recording it as
 *   "Swimwear or Underwear" would put a false label on everyday photos.
 * - `Drawing` and `Neutral` are the safe classes.
 *
 * The Record type makes the map total over the five; the tests check them against what
 * the model answers.
 */
export const NSFW_TO_REKOGNITION: Readonly<Record<NsfwClass, string | null>> = {
  Porn: 'Explicit',
  Hentai: 'Explicit',
  Sexy: null,
  Drawing: null,
  Neutral: null,
};

/**
 * Rekognition-named moderation labels for nsfwjs's class probabilities (0-1, summing to 1):
 * a category's confidence is the sum of its classes' probabilities (they exclude each
 * other, so "Porn or Hentai" is their sum), times 100; only categories at `minConfidence`
 * (0-100) or more. A class the map does not know means nsfwjs changed under us: that
 * throws, rather than passing an unreviewed class as safe.
 *
 * @example nsfwModeration([{ className: 'Porn', probability: 0.7 }, { className: 'Hentai', probability: 0.2 }], 50) // Explicit 90
 */
export function nsfwModeration(
  predictions: readonly NsfwPrediction[],
  minConfidence: number,
): ModerationLabel[] {
  const categories = new Map<string, number>();
  for (const { className, probability } of predictions) {
    if (!Object.hasOwn(NSFW_TO_REKOGNITION, className)) {
      throw new Error(`nsfwjs answered a class the moderation map does not know: ${className}`);
    }
    const category = NSFW_TO_REKOGNITION[className as NsfwClass];
    if (category) categories.set(category, (categories.get(category) ?? 0) + probability);
  }
  return [...categories]
    .map(([name, probability]) => ({
      name,
      parent: '',
      confidence: Math.round(Math.min(probability, 1) * 1000) / 10,
      taxonomyLevel: 1,
    }))
    .filter((l) => l.confidence >= minConfidence)
    .sort((a, b) => b.confidence - a.confidence);
}
