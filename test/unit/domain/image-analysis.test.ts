import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { ImageAnalysis, type ImageLabel, type ModerationLabel } from '#domain/image-analysis.js';

const NAMES = ['Dog', 'Cat', 'Animal', 'Beach', 'Person'] as const;
const MODERATION = ['Explicit', 'Violence', 'Drugs'] as const;

const label: fc.Arbitrary<ImageLabel> = fc.record({
  name: fc.constantFrom(...NAMES),
  confidence: fc.double({ min: 0, max: 100, noNaN: true }),
  parents: fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }),
});
const moderationLabel: fc.Arbitrary<ModerationLabel> = fc.record({
  name: fc.constantFrom(...MODERATION),
  parent: fc.constant(''),
  confidence: fc.double({ min: 0, max: 100, noNaN: true }),
  taxonomyLevel: fc.constant(1),
});
const analysis: fc.Arbitrary<ImageAnalysis> = fc.record({
  labels: fc.array(label, { maxLength: 6 }),
  moderation: fc.record({
    labels: fc.array(moderationLabel, { maxLength: 3 }),
    modelVersion: fc.constant('7.0'),
  }),
});

/** The highest confidence given to `name` among `labels`, or undefined. */
const best = (labels: readonly { name: string; confidence: number }[], name: string): number | undefined => {
  const found = labels.filter((l) => l.name === name).map((l) => l.confidence);
  return found.length > 0 ? Math.max(...found) : undefined;
};

describe('ImageAnalysis.merge (a video: its poster and sampled frames)', () => {
  test.prop([fc.array(analysis, { minLength: 1, maxLength: 5 })])(
    'keeps every label and moderation label once, at the highest confidence any image gave it',
    (analyses) => {
      const merged = ImageAnalysis.merge(analyses);
      if (!merged) throw new Error('no merge of a non-empty list');
      const all = analyses.flatMap((a) => a.labels);
      const allModeration = analyses.flatMap((a) => a.moderation.labels);
      expect(new Set(merged.labels.map((l) => l.name)).size).toBe(merged.labels.length);
      for (const name of NAMES) expect(best(merged.labels, name)).toBe(best(all, name));
      for (const name of MODERATION)
        expect(best(merged.moderation.labels, name)).toBe(best(allModeration, name));
      // Nothing is made up: each kept label is one an image gave, parents and all.
      for (const l of merged.labels) expect(all).toContainEqual(l);
    },
  );

  test.prop([fc.array(analysis, { minLength: 1, maxLength: 5 })])(
    'does not depend on the order of the images',
    (analyses) => {
      const byName = (a: ImageAnalysis | undefined) =>
        [...(a?.labels ?? [])].map((l) => [l.name, l.confidence]).sort();
      expect(byName(ImageAnalysis.merge([...analyses].reverse()))).toEqual(
        byName(ImageAnalysis.merge(analyses)),
      );
    },
  );

  it('lets one explicit frame stand for the whole video, and merges nothing into nothing', () => {
    const clean: ImageAnalysis = {
      labels: [{ name: 'Beach', confidence: 88, parents: [] }],
      moderation: { labels: [], modelVersion: '7.0' },
    };
    const flagged: ImageAnalysis = {
      labels: [{ name: 'Beach', confidence: 75, parents: [] }],
      moderation: {
        labels: [{ name: 'Explicit', parent: '', confidence: 96, taxonomyLevel: 1 }],
        modelVersion: '7.0',
      },
    };
    expect(ImageAnalysis.merge([clean, flagged, clean])).toEqual({
      labels: [{ name: 'Beach', confidence: 88, parents: [] }],
      moderation: {
        labels: [{ name: 'Explicit', parent: '', confidence: 96, taxonomyLevel: 1 }],
        modelVersion: '7.0',
      },
    });
    expect(ImageAnalysis.merge([])).toBeUndefined();
  });
});
