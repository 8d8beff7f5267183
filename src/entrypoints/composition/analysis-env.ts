import * as z from 'zod';
import { type AnalysisSettings, defaultAnalysisSettings } from '../../application/use-cases/analyze-media.js';
import { ModerationPolicy } from '../../domain/moderation-policy.js';
import { parseEnv } from './config-env.js';

const percent = (fallback: number) => z.coerce.number().min(0).max(100).default(fallback);
const defaults = defaultAnalysisSettings;

const Vars = z.object({
  /** Labels under this confidence (0-100) are not kept on a photo. */
  ANALYSIS_MIN_LABEL_CONFIDENCE: percent(defaults.minLabelConfidence),
  /** `flag` records a verdict; `block` also rejects blocked photos. */
  MODERATION_MODE: z.enum(['flag', 'block']).default(defaults.moderation.mode),
  MODERATION_REVIEW_AT: percent(defaults.moderation.reviewAt),
  MODERATION_BLOCK_AT: percent(defaults.moderation.blockAt),
  /** Comma-separated top-level categories (Rekognition's level 1) that count. */
  MODERATION_CATEGORIES: z
    .string()
    .default(defaults.moderation.categories.join(','))
    .transform((s) =>
      s
        .split(',')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
    ),
});

/**
 * The analysis settings of a deployment from its variables, every one optional
 * (defaults: `defaultAnalysisSettings`); a bad value throws at start, naming it.
 *
 * @example
 * const analysis = parseAnalysisEnv({ MODERATION_MODE: 'block', MODERATION_BLOCK_AT: '90' });
 */
export function parseAnalysisEnv(env: Readonly<Record<string, string | undefined>>): AnalysisSettings {
  const v = parseEnv(Vars, env);
  const policy = ModerationPolicy.parse({
    mode: v.MODERATION_MODE,
    reviewAt: v.MODERATION_REVIEW_AT,
    blockAt: v.MODERATION_BLOCK_AT,
    categories: v.MODERATION_CATEGORIES,
  });
  if (!policy.ok) throw new Error(`invalid configuration: moderation ${policy.error.message}`);
  return { minLabelConfidence: v.ANALYSIS_MIN_LABEL_CONFIDENCE, moderation: policy.value };
}
