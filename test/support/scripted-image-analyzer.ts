import type { AnalysisImage, ImageAnalyzer } from '../../src/application/ports/image-analyzer.js';
import { ImageAnalysisRefusedError } from '../../src/domain/errors.js';
import type { ImageAnalysis } from '../../src/domain/image-analysis.js';
import { err, ok, type Result } from '../../src/domain/result.js';

/** What the scripted analyser does next: answer, refuse the image, or fail as a service does. */
export type AnalyzerStep = ImageAnalysis | { refuse: string } | { throw: string };

/**
 * A test double of the ImageAnalyzer port for use-case tests: answers with the
 * analyses it is given, in turn (the last one again when they run out), and keeps
 * every image it was handed, so a test checks what an adapter would receive. The
 * real analysers are tested on their own (Rekognition's requests, the local models
 * on real photographs).
 */
export class ScriptedImageAnalyzer implements ImageAnalyzer {
  readonly seen: AnalysisImage[] = [];
  private readonly steps: AnalyzerStep[];

  constructor(...steps: AnalyzerStep[]) {
    this.steps = steps;
  }

  async analyze(image: AnalysisImage): Promise<Result<ImageAnalysis, ImageAnalysisRefusedError>> {
    this.seen.push(image);
    const step = (this.steps.length > 1 ? this.steps.shift() : this.steps[0]) as AnalyzerStep;
    if ('refuse' in step) return err(new ImageAnalysisRefusedError(step.refuse));
    if ('throw' in step) throw new Error(step.throw);
    return ok(step);
  }
}

/** Rekognition-shaped answers for a dog photo, a mountain and explicit content. */
export const analyses = {
  dog: {
    labels: [
      { name: 'Dog', confidence: 98.71, parents: ['Animal', 'Canine', 'Mammal', 'Pet'] },
      { name: 'Animal', confidence: 98.71, parents: [] },
      { name: 'Pet', confidence: 98.71, parents: ['Animal'] },
      { name: 'Grass', confidence: 81.2, parents: ['Plant'] },
      { name: 'Puppy', confidence: 55.0, parents: ['Animal', 'Canine', 'Dog', 'Mammal', 'Pet'] },
    ],
    moderation: { labels: [], modelVersion: '7.0' },
  },
  explicit: {
    labels: [{ name: 'Person', confidence: 99.1, parents: [] }],
    moderation: {
      labels: [
        { name: 'Explicit', parent: '', confidence: 97.4, taxonomyLevel: 1 },
        { name: 'Explicit Nudity', parent: 'Explicit', confidence: 97.4, taxonomyLevel: 2 },
        { name: 'Exposed Male Genitalia', parent: 'Explicit Nudity', confidence: 96.2, taxonomyLevel: 3 },
      ],
      modelVersion: '7.0',
    },
  },
  swimwear: {
    labels: [{ name: 'Beach', confidence: 95, parents: ['Nature', 'Outdoors'] }],
    moderation: {
      labels: [
        { name: 'Swimwear or Underwear', parent: '', confidence: 93, taxonomyLevel: 1 },
        {
          name: 'Female Swimwear or Underwear',
          parent: 'Swimwear or Underwear',
          confidence: 93,
          taxonomyLevel: 2,
        },
      ],
      modelVersion: '7.0',
    },
  },
  violenceMaybe: {
    labels: [],
    moderation: {
      labels: [
        { name: 'Violence', parent: '', confidence: 71.5, taxonomyLevel: 1 },
        { name: 'Weapons', parent: 'Violence', confidence: 71.5, taxonomyLevel: 2 },
      ],
      modelVersion: '7.0',
    },
  },
} satisfies Record<string, ImageAnalysis>;
