import { InvalidInputError } from './errors.js';
import { ImageAnalysis, type ModerationLabel, type ModerationResult } from './image-analysis.js';
import { err, ok, type Result } from './result.js';

/** What moderation decided about a photo. */
export type ModerationVerdict = 'allow' | 'review' | 'block';

/**
 * Per deployment: `flag` records a verdict; `block` also holds blocked photos
 * (status `rejected`, renditions not served). A counted label at `reviewAt` or
 * more asks for review, at `blockAt` or more blocks.
 */
export interface ModerationPolicy {
  readonly mode: 'flag' | 'block';
  /** 0-100. */
  readonly reviewAt: number;
  /** 0-100, at least `reviewAt`. */
  readonly blockAt: number;
  /** The top-level categories that count (Rekognition's taxonomy, level 1); others are recorded only. */
  readonly categories: readonly string[];
}

/** A verdict and the labels that made it (empty for `allow`). */
export interface ModerationJudgement {
  readonly verdict: ModerationVerdict;
  readonly labels: readonly ModerationLabel[];
}

/**
 * Rekognition's level-1 categories that are no place in a shared gallery by default;
 * "Swimwear or Underwear", "Alcohol", "Drugs & Tobacco", "Gambling", "Rude Gestures"
 * and "Non-Explicit Nudity of Intimate parts and Kissing" are recorded, not counted.
 */
export const defaultModerationPolicy: ModerationPolicy = {
  mode: 'flag',
  reviewAt: 60,
  blockAt: 85,
  categories: ['Explicit', 'Violence', 'Visually Disturbing', 'Hate Symbols'],
};

export const ModerationPolicy = {
  /** Checks configured thresholds: 0-100, review at or under block, at least one category. */
  parse(policy: ModerationPolicy): Result<ModerationPolicy, InvalidInputError> {
    for (const [field, value] of [
      ['reviewAt', policy.reviewAt],
      ['blockAt', policy.blockAt],
    ] as const) {
      if (!Number.isFinite(value) || value < 0 || value > 100) {
        return err(new InvalidInputError(`${field} must be 0-100`, field));
      }
    }
    if (policy.reviewAt > policy.blockAt) {
      return err(new InvalidInputError('reviewAt must not be over blockAt', 'reviewAt'));
    }
    if (policy.categories.length === 0) {
      return err(new InvalidInputError('at least one category must count', 'categories'));
    }
    return ok(policy);
  },

  /**
   * The verdict on one moderation result: the highest a counted label reaches.
   *
   * @example ModerationPolicy.judge(defaultModerationPolicy, { labels: [], modelVersion: '7.0' }) // { verdict: 'allow', labels: [] }
   */
  judge(policy: ModerationPolicy, moderation: ModerationResult): ModerationJudgement {
    const counted = moderation.labels.filter((l) =>
      policy.categories.includes(ImageAnalysis.topLevelOf(l, moderation.labels)),
    );
    const blocking = counted.filter((l) => l.confidence >= policy.blockAt);
    if (blocking.length > 0) return { verdict: 'block', labels: blocking };
    const reviewing = counted.filter((l) => l.confidence >= policy.reviewAt);
    if (reviewing.length > 0) return { verdict: 'review', labels: reviewing };
    return { verdict: 'allow', labels: [] };
  },
};
