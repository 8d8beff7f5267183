import { describe, expect, it } from 'vitest';
import { ImageAnalysis } from '../../../src/domain/image-analysis.js';
import { defaultModerationPolicy, ModerationPolicy } from '../../../src/domain/moderation-policy.js';
import { analyses } from '../../support/scripted-image-analyzer.js';

describe('ModerationPolicy.judge on analyser outputs', () => {
  it.each([
    ['a dog', analyses.dog, 'allow', []],
    [
      'explicit nudity over blockAt',
      analyses.explicit,
      'block',
      ['Explicit', 'Explicit Nudity', 'Exposed Male Genitalia'],
    ],
    ['swimwear, a category that does not count', analyses.swimwear, 'allow', []],
    ['weapons between reviewAt and blockAt', analyses.violenceMaybe, 'review', ['Violence', 'Weapons']],
  ] as const)('%s: %s', (_, analysis, verdict, names) => {
    const judged = ModerationPolicy.judge(defaultModerationPolicy, analysis.moderation);
    expect(judged.verdict).toBe(verdict);
    expect(judged.labels.map((l) => l.name)).toEqual(names);
  });

  it('counts the categories a deployment names, at its thresholds', () => {
    const strict = {
      ...defaultModerationPolicy,
      categories: ['Swimwear or Underwear'],
      reviewAt: 50,
      blockAt: 95,
    };
    expect(ModerationPolicy.judge(strict, analyses.swimwear.moderation).verdict).toBe('review');
    expect(ModerationPolicy.judge(strict, analyses.explicit.moderation).verdict).toBe('allow');
    const lenient = { ...defaultModerationPolicy, blockAt: 99 };
    expect(ModerationPolicy.judge(lenient, analyses.explicit.moderation).verdict).toBe('review');
  });

  it('finds a level-3 label its category through its parents, or takes an unknown parent as the top', () => {
    const [, , genitalia] = analyses.explicit.moderation.labels;
    expect(ImageAnalysis.topLevelOf(genitalia as never, analyses.explicit.moderation.labels)).toBe(
      'Explicit',
    );
    const alone = { name: 'Weapons', parent: 'Violence', confidence: 90, taxonomyLevel: 2 };
    expect(ImageAnalysis.topLevelOf(alone, [alone])).toBe('Violence');
    expect(
      ModerationPolicy.judge(defaultModerationPolicy, { labels: [alone], modelVersion: '7' }).verdict,
    ).toBe('block');
  });

  it.each([
    [{ reviewAt: -1 }, 'reviewAt'],
    [{ blockAt: 101 }, 'blockAt'],
    [{ reviewAt: 90, blockAt: 80 }, 'reviewAt'],
    [{ categories: [] }, 'categories'],
  ])('refuses a policy with %o', (patch, field) => {
    const parsed = ModerationPolicy.parse({ ...defaultModerationPolicy, ...patch });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error.field).toBe(field);
  });
});

describe('ImageAnalysis.topLabels', () => {
  it('keeps the labels over the threshold, most confident first, at most 10, one per name', () => {
    expect(ImageAnalysis.topLabels(analyses.dog.labels, 70).map((l) => l.name)).toEqual([
      'Animal',
      'Dog',
      'Pet',
      'Grass',
    ]);
    const many = Array.from({ length: 15 }, (_, i) => ({
      name: `L${i}`,
      confidence: 90 + i / 2,
      parents: [],
    }));
    const kept = ImageAnalysis.topLabels([...many, { name: 'L14', confidence: 50, parents: [] }], 70);
    expect(kept).toHaveLength(10);
    expect(kept[0]).toEqual({ name: 'L14', confidence: 97, parents: [] });
  });
});
