import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fc, test } from '@fast-check/vitest';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { humanModelsDir } from '../../../src/adapters/local-analysis/centernet-detector.js';
import {
  COCO_CLASSES,
  COCO_TO_REKOGNITION,
  cocoLabels,
  DETECTOR_TRUSTED_SCORE,
  detectorConfidence,
} from '../../../src/adapters/local-analysis/coco-labels.js';
import { LocalImageAnalyzer } from '../../../src/adapters/local-analysis/local-image-analyzer.js';
import { NSFW_TO_REKOGNITION, nsfwModeration } from '../../../src/adapters/local-analysis/nsfw-moderation.js';
import { defaultAnalysisSettings } from '../../../src/application/use-cases/analyze-media.js';
import { ImageAnalysisRefusedError } from '../../../src/domain/errors.js';
import { type ImageAnalysis as Analysis, ImageAnalysis } from '../../../src/domain/image-analysis.js';
import { defaultModerationPolicy, ModerationPolicy } from '../../../src/domain/moderation-policy.js';

const PHOTOS = join(import.meta.dirname, '..', '..', 'fixtures', 'photos');
const photo = (name: string) => readFile(join(PHOTOS, name));
const KEPT_FROM = defaultAnalysisSettings.minLabelConfidence;

/** Every label that says "an animal": the mapped animals and all their ancestors. */
const ANIMAL_LABELS = new Set(
  Object.values(COCO_TO_REKOGNITION)
    .filter((l) => l.parents.includes('Animal'))
    .flatMap((l) => [l.name, ...l.parents]),
);

describe('LocalImageAnalyzer on real photos', () => {
  const analyzer = new LocalImageAnalyzer();
  const analysed = new Map<string, Analysis>();

  /** The photo's analysis, made once per file (a few hundred ms each). */
  const analysisOf = async (name: string): Promise<Analysis> => {
    const known = analysed.get(name);
    if (known) return known;
    const result = await analyzer.analyze({
      key: `renditions/test/${name}`,
      bytes: await photo(name),
      contentType: 'image/jpeg',
    });
    if (!result.ok) throw result.error;
    analysed.set(name, result.value);
    return result.value;
  };
  const keptNames = async (name: string) =>
    ImageAnalysis.topLabels((await analysisOf(name)).labels, KEPT_FROM).map((l) => l.name);

  beforeAll(() => analyzer.load(), 120_000);
  afterAll(() => analyzer.close());

  it('labels a photo of two beagles Dog, with its parents, as the use case keeps it', async () => {
    const kept = ImageAnalysis.topLabels((await analysisOf('beagles.jpg')).labels, KEPT_FROM);

    expect(kept).toContainEqual({
      name: 'Dog',
      confidence: expect.any(Number),
      parents: ['Animal', 'Canine', 'Mammal', 'Pet'],
    });
    expect(kept.map((l) => l.name)).toEqual(expect.arrayContaining(['Animal', 'Canine', 'Mammal', 'Pet']));
  });

  it.each(['mountain-meadow.jpg', 'mountain-path.jpg'])(
    'keeps none of the animal labels for the landscape %s',
    async (name) => {
      expect((await keptNames(name)).filter((l) => ANIMAL_LABELS.has(l))).toEqual([]);
    },
    30_000,
  );

  it('does not call a cat a dog', async () => {
    expect(await keptNames('cat.jpg')).not.toContain('Dog');
  });

  it.each(['beagles.jpg', 'mountain-meadow.jpg', 'mountain-path.jpg', 'cat.jpg'])(
    'flags nothing in %s under the default moderation policy, and names its model',
    async (name) => {
      const { moderation } = await analysisOf(name);

      expect(ModerationPolicy.judge(defaultModerationPolicy, moderation)).toEqual({
        verdict: 'allow',
        labels: [],
      });
      expect(moderation.modelVersion).toMatch(/^nsfwjs-\d+\.\d+\.\d+-mobilenet_v2$/);
    },
    30_000,
  );

  it.each([
    ['a truncated JPEG', async () => (await photo('beagles.jpg')).subarray(0, 2_000)],
    ['JPEG magic and nothing else', async () => new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3])],
    ['a GIF', async () => new TextEncoder().encode('GIF89a\x01\x00\x01\x00\x00\x00\x00;')],
    ['text', async () => new TextEncoder().encode('not an image at all')],
  ])('refuses %s as an image it cannot read', async (_what, bytes) => {
    const result = await analyzer.analyze({ key: 'k', bytes: await bytes(), contentType: 'image/jpeg' });

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toBeInstanceOf(ImageAnalysisRefusedError);
  });

  it('answers analyses asked at once, and leaves no tensor behind', async () => {
    await analysisOf('cat.jpg');
    const tensors = tf.memory().numTensors;
    const bytes = await photo('cat.jpg');

    const results = await Promise.all(
      [1, 2, 3].map(() => analyzer.analyze({ key: 'k', bytes, contentType: 'image/jpeg' })),
    );

    expect(results.map((r) => r.ok && r.value)).toEqual([1, 2, 3].map(() => analysed.get('cat.jpg')));
    expect(tf.memory().numTensors).toBe(tensors);
  }, 30_000);
});

describe('the COCO map', () => {
  it("covers the detector's classes, in the order of its class index", async () => {
    // human's own label list, shipped as source beside its models.
    const source = await readFile(join(humanModelsDir(), '..', 'src', 'object', 'labels.ts'), 'utf8');
    const humanLabels = [...source.matchAll(/label: '([^']+)'/g)].map((m) => m[1]);
    const model = JSON.parse(await readFile(join(humanModelsDir(), 'centernet.json'), 'utf8'));
    const heatmaps: { dim: { size: string }[] } = model.signature.outputs['tower_0/keypoints'].tensorShape;

    expect(COCO_CLASSES).toEqual(humanLabels);
    expect(Number(heatmaps.dim.at(-1)?.size)).toBe(COCO_CLASSES.length);
    expect(Object.keys(COCO_TO_REKOGNITION).sort()).toEqual([...COCO_CLASSES].sort());
  });

  it.each([
    ['dog', 'Dog', ['Animal', 'Canine', 'Mammal', 'Pet']],
    ['cat', 'Cat', ['Animal', 'Mammal', 'Pet']],
    ['hot dog', 'Hot Dog', ['Food']],
    ['teddy bear', 'Teddy Bear', ['Toy']],
    ['mouse', 'Mouse', ['Computer Hardware', 'Electronics', 'Hardware']],
  ] as const)('names %s %s with parents %j', (coco, name, parents) => {
    const classIndex = COCO_CLASSES.indexOf(coco);

    expect(cocoLabels([{ classIndex, score: 0.8 }], 50)).toEqual(
      [
        { name, confidence: 88, parents },
        ...parents.map((parent) => ({ name: parent, confidence: 88, parents: [] })),
      ].sort((a, b) => a.name.localeCompare(b.name)),
    );
  });

  it('reports each label once, at its best find, and nothing under the least confidence', () => {
    const dog = COCO_CLASSES.indexOf('dog');
    const cat = COCO_CLASSES.indexOf('cat');

    const labels = cocoLabels(
      [
        { classIndex: dog, score: 0.6 },
        { classIndex: dog, score: 0.7 },
        { classIndex: cat, score: 0.3 },
        { classIndex: Number.NaN, score: 0.9 },
        { classIndex: 80, score: 0.9 },
      ],
      50,
    );

    expect(labels.map((l) => [l.name, l.confidence])).toEqual([
      ['Animal', 82],
      ['Canine', 82],
      ['Dog', 82],
      ['Mammal', 82],
      ['Pet', 82],
    ]);
  });

  it('puts the trusted detector score on the use case threshold', () => {
    expect(detectorConfidence(DETECTOR_TRUSTED_SCORE)).toBe(KEPT_FROM);
    expect(detectorConfidence(0)).toBe(0);
    expect(detectorConfidence(1)).toBe(100);
  });

  test.prop([fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true })])(
    'maps scores onto 0-100 without changing their order',
    (a, b) => {
      const [ca, cb] = [detectorConfidence(a), detectorConfidence(b)];
      expect(ca).toBeGreaterThanOrEqual(0);
      expect(ca).toBeLessThanOrEqual(100);
      if (a < b) expect(ca).toBeLessThanOrEqual(cb);
    },
  );
});

describe('the nsfwjs map', () => {
  it("maps or deliberately ignores every class nsfwjs's model answers", async () => {
    // nsfwjs exports neither its class list nor its model files; both sit beside its entry.
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve('nsfwjs')), '..');
    const { NSFW_CLASSES } = require(join(dist, 'cjs', 'nsfw_classes.js')) as {
      NSFW_CLASSES: Record<number, string>;
    };
    const modelJson = require(join(dist, 'models', 'mobilenet_v2', 'model.min.js')) as {
      modelTopology: { model_config: { config: { layers: { config: { units?: number } }[] } } };
    };
    const outputs = modelJson.modelTopology.model_config.config.layers.at(-1)?.config.units;

    expect(Object.keys(NSFW_TO_REKOGNITION).sort()).toEqual(Object.values(NSFW_CLASSES).sort());
    expect(outputs).toBe(Object.keys(NSFW_TO_REKOGNITION).length);
  });

  it('counts Porn and Hentai together as Explicit, a level-1 category', () => {
    expect(
      nsfwModeration(
        [
          { className: 'Porn', probability: 0.5 },
          { className: 'Hentai', probability: 0.2 },
          { className: 'Sexy', probability: 0.2 },
          { className: 'Neutral', probability: 0.1 },
        ],
        50,
      ),
    ).toEqual([{ name: 'Explicit', parent: '', confidence: 70, taxonomyLevel: 1 }]);
  });

  it.each(['Sexy', 'Drawing', 'Neutral'])('records nothing for %s, however sure', (className) => {
    expect(nsfwModeration([{ className, probability: 1 }], 50)).toEqual([]);
  });

  it('records nothing under the least confidence', () => {
    expect(nsfwModeration([{ className: 'Porn', probability: 0.45 }], 50)).toEqual([]);
  });

  it('throws on a class it has not been told about, rather than pass it as safe', () => {
    expect(() => nsfwModeration([{ className: 'Gore', probability: 0.9 }], 50)).toThrow(/Gore/);
  });
});
