import { describe, expect, it } from 'vitest';
import { defaultAnalysisSettings } from '../../../src/application/use-cases/analyze-media.js';
import { parseAnalysisEnv } from '../../../src/entrypoints/composition/analysis-env.js';

describe('parseAnalysisEnv', () => {
  it('takes the defaults when nothing is set', () => {
    expect(parseAnalysisEnv({})).toEqual(defaultAnalysisSettings);
  });

  it('reads a blocking policy with its thresholds and categories', () => {
    expect(
      parseAnalysisEnv({
        ANALYSIS_MIN_LABEL_CONFIDENCE: '80',
        MODERATION_MODE: 'block',
        MODERATION_REVIEW_AT: '50',
        MODERATION_BLOCK_AT: '90',
        MODERATION_CATEGORIES: 'Explicit, Violence ,',
      }),
    ).toEqual({
      minLabelConfidence: 80,
      moderation: { mode: 'block', reviewAt: 50, blockAt: 90, categories: ['Explicit', 'Violence'] },
    });
  });

  it.each([
    [{ MODERATION_MODE: 'hide' }, /MODERATION_MODE/],
    [{ MODERATION_BLOCK_AT: '120' }, /MODERATION_BLOCK_AT/],
    [{ MODERATION_REVIEW_AT: '95', MODERATION_BLOCK_AT: '90' }, /reviewAt must not be over blockAt/],
    [{ MODERATION_CATEGORIES: ' , ' }, /at least one category/],
  ])('refuses %o at start, naming what is wrong', (env, message) => {
    expect(() => parseAnalysisEnv(env)).toThrow(message);
  });
});
