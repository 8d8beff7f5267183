import type { AnalysisImage, ImageAnalyzer } from '../../application/ports/image-analyzer.js';
import { ImageAnalysisRefusedError } from '../../domain/errors.js';
import type { ImageAnalysis, ImageLabel } from '../../domain/image-analysis.js';
import { err, ok, type Result } from '../../domain/result.js';
import { imageNetLabels } from './imagenet-labels.js';

/** The image-classification model asked: ResNet-50 on ImageNet's 1,000 classes. */
export const WORKERS_AI_CLASSIFIER = '@cf/microsoft/resnet-50';

/**
 * The part of the Workers AI binding (`env.AI`) this adapter uses: image classification,
 * the image as an array of its bytes, answered with ImageNet classes and scores (0-1).
 */
export interface ImageClassificationBinding {
  run(
    model: typeof WORKERS_AI_CLASSIFIER,
    inputs: { image: number[] },
  ): Promise<readonly { label?: string; score?: number }[]>;
}

/**
 * ImageAnalyzer on Workers AI: labels from an image-classification model, mapped onto
 * Rekognition's names ({@link imageNetLabels}), the mapped ancestors listed as labels too,
 * as Rekognition does. Workers AI has no image moderation model, so `moderation` is always
 * empty with model version `none`: a Cloudflare deployment records every photo `allow`
 * (docs/cloudflare.md). An answer the binding refuses as input (an `InferenceUpstreamError`
 * about the image) is returned as a refusal; anything else throws, so Queues retries.
 *
 * @example
 * const analyzer = new WorkersAiImageAnalyzer(env.AI);
 */
export class WorkersAiImageAnalyzer implements ImageAnalyzer {
  constructor(private readonly ai: ImageClassificationBinding) {}

  async analyze(image: AnalysisImage): Promise<Result<ImageAnalysis, ImageAnalysisRefusedError>> {
    let answer: readonly { label?: string; score?: number }[];
    try {
      answer = await this.ai.run(WORKERS_AI_CLASSIFIER, { image: Array.from(image.bytes) });
    } catch (error) {
      if (error instanceof Error && /invalid|decode|unsupported/i.test(error.message)) {
        return err(
          new ImageAnalysisRefusedError(`Workers AI refused the image: ${error.message}`, { cause: error }),
        );
      }
      throw error;
    }
    const labels = new Map<string, ImageLabel>();
    for (const { label, score } of answer) {
      if (!label || score === undefined) continue;
      for (const l of imageNetLabels(label, score)) {
        const known = labels.get(l.name);
        // Two breeds both mean "Dog": keep the more confident.
        if (!known || known.confidence < l.confidence) labels.set(l.name, l);
      }
    }
    return ok({ labels: [...labels.values()], moderation: { labels: [], modelVersion: 'none' } });
  }
}
