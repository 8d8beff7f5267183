import { describe, expect, it } from 'vitest';
import {
  type ImageClassificationBinding,
  type WORKERS_AI_CLASSIFIER,
  WorkersAiImageAnalyzer,
} from '../../../src/adapters/cloudflare/workers-ai-image-analyzer.js';
import { ImageAnalysisRefusedError } from '../../../src/domain/errors.js';
import { ImageAnalysis } from '../../../src/domain/image-analysis.js';
import { defaultModerationPolicy, ModerationPolicy } from '../../../src/domain/moderation-policy.js';

/**
 * Miniflare has no local Workers AI (the binding only proxies to Cloudflare's service,
 * which needs an account), so this test hands the adapter a documented stand-in binding:
 * it records the request the adapter makes (model and inputs, as `env.AI.run` receives
 * them) and answers with ResNet-50's documented output shape. docs/cloudflare.md says so.
 */
class StandInAi implements ImageClassificationBinding {
  readonly requests: { model: string; inputs: { image: number[] } }[] = [];
  constructor(private readonly answer: () => Promise<{ label?: string; score?: number }[]>) {}
  async run(model: typeof WORKERS_AI_CLASSIFIER, inputs: { image: number[] }) {
    this.requests.push({ model, inputs });
    return this.answer();
  }
}

const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);
const image = { key: 'renditions/a/b/analysis.jpg', bytes: jpeg, contentType: 'image/jpeg' as const };

describe('WorkersAiImageAnalyzer (stand-in binding: no local Workers AI)', () => {
  it('asks the classification model with the image as an array of its bytes', async () => {
    const ai = new StandInAi(async () => []);
    await new WorkersAiImageAnalyzer(ai).analyze(image);
    expect(ai.requests).toEqual([
      { model: '@cf/microsoft/resnet-50', inputs: { image: [255, 216, 255, 224, 1, 2, 3] } },
    ]);
  });

  it("maps ImageNet's classes onto Rekognition's names: two breeds are one Dog, with its parents", async () => {
    const ai = new StandInAi(async () => [
      { label: 'GOLDEN RETRIEVER', score: 0.81 },
      { label: 'LABRADOR RETRIEVER', score: 0.12 },
      { label: 'TENNIS BALL', score: 0.03 },
    ]);
    const result = await new WorkersAiImageAnalyzer(ai).analyze(image);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const kept = ImageAnalysis.topLabels(result.value.labels, 1);
    expect(kept.map((l) => [l.name, l.confidence])).toEqual([
      ['Animal', 81],
      ['Canine', 81],
      ['Dog', 81],
      ['Mammal', 81],
      ['Pet', 81],
      ['Tennis Ball', 3],
    ]);
    expect(kept.find((l) => l.name === 'Dog')?.parents).toEqual(['Animal', 'Canine', 'Mammal', 'Pet']);
    // No moderation model on Workers AI: nothing to count, so every photo is allowed.
    expect(result.value.moderation).toEqual({ labels: [], modelVersion: 'none' });
    expect(ModerationPolicy.judge(defaultModerationPolicy, result.value.moderation).verdict).toBe('allow');
  });

  it('gives a landscape no animal label', async () => {
    const ai = new StandInAi(async () => [
      { label: 'alp', score: 0.7 },
      { label: 'valley', score: 0.2 },
    ]);
    const result = await new WorkersAiImageAnalyzer(ai).analyze(image);
    const names = result.ok ? result.value.labels.map((l) => l.name) : [];
    expect(names).toContain('Mountain');
    expect(names).not.toContain('Animal');
  });

  it('returns a refusal when the model cannot read the image, and throws on anything else', async () => {
    const refused = await new WorkersAiImageAnalyzer(
      new StandInAi(async () => {
        throw new Error('InferenceUpstreamError: invalid image');
      }),
    ).analyze(image);
    expect(!refused.ok && refused.error).toBeInstanceOf(ImageAnalysisRefusedError);
    await expect(
      new WorkersAiImageAnalyzer(
        new StandInAi(async () => {
          throw new Error('AiError: 3040: Capacity temporarily exceeded');
        }),
      ).analyze(image),
    ).rejects.toThrow('Capacity');
  });
});
