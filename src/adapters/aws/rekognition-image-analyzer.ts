import {
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  type RekognitionClient,
} from '@aws-sdk/client-rekognition';
import type { AnalysisImage, ImageAnalyzer } from '../../application/ports/image-analyzer.js';
import { ImageAnalysisRefusedError } from '../../domain/errors.js';
import type { ImageAnalysis } from '../../domain/image-analysis.js';
import { err, ok, type Result } from '../../domain/result.js';

/** Where the images are and how much Rekognition is asked for. */
export interface RekognitionImageAnalyzerConfig {
  /** The bucket the analysis images are stored in (the photos bucket). */
  readonly bucket: string;
  /** DetectLabels' MaxLabels (default 20: the use case keeps 10 after its own threshold). */
  readonly maxLabels?: number;
  /** The least confidence asked of either call, 0-100 (default 50, Rekognition's own default). */
  readonly minConfidence?: number;
}

/**
 * Rekognition's answers to an image it will never take: not a JPEG or PNG it can
 * read, over its limits, or parameters it refuses (an image under 80 px a side).
 * Anything else (throttling, a service error, an S3 object it cannot read, which is a
 * permission or configuration problem) throws, so the job is retried and finally
 * dead-lettered, where an alarm sees it.
 */
const REFUSALS = new Set([
  'InvalidImageFormatException',
  'ImageTooLargeException',
  'InvalidParameterException',
]);

/**
 * ImageAnalyzer on Amazon Rekognition: DetectLabels and DetectModerationLabels, both
 * by S3 reference to the analysis image (no bytes travel through the Lambda), at once.
 * Names are Rekognition's, which is the vocabulary of the port. Its role needs
 * `rekognition:DetectLabels`, `rekognition:DetectModerationLabels` and `s3:GetObject`
 * on the image: Rekognition reads the object with the caller's credentials.
 *
 * @example
 * const analyzer = new RekognitionImageAnalyzer(new RekognitionClient({}), { bucket: 'pixport-photos' });
 * const result = await analyzer.analyze({ key: 'renditions/alice/0190.../analysis.jpg', bytes, contentType: 'image/jpeg' });
 */
export class RekognitionImageAnalyzer implements ImageAnalyzer {
  constructor(
    private readonly client: RekognitionClient,
    private readonly config: RekognitionImageAnalyzerConfig,
  ) {}

  async analyze(image: AnalysisImage): Promise<Result<ImageAnalysis, ImageAnalysisRefusedError>> {
    const Image = { S3Object: { Bucket: this.config.bucket, Name: image.key } };
    const MinConfidence = this.config.minConfidence ?? 50;
    try {
      const [labels, moderation] = await Promise.all([
        this.client.send(
          new DetectLabelsCommand({ Image, MaxLabels: this.config.maxLabels ?? 20, MinConfidence }),
        ),
        this.client.send(new DetectModerationLabelsCommand({ Image, MinConfidence })),
      ]);
      return ok({
        labels: (labels.Labels ?? []).map((l) => ({
          name: l.Name ?? '',
          confidence: l.Confidence ?? 0,
          parents: (l.Parents ?? []).map((p) => p.Name ?? '').filter((name) => name !== ''),
        })),
        moderation: {
          labels: (moderation.ModerationLabels ?? []).map((l) => ({
            name: l.Name ?? '',
            parent: l.ParentName ?? '',
            confidence: l.Confidence ?? 0,
            taxonomyLevel: l.TaxonomyLevel ?? (l.ParentName ? 2 : 1),
          })),
          modelVersion: moderation.ModerationModelVersion ?? 'unknown',
        },
      });
    } catch (error) {
      if (error instanceof Error && REFUSALS.has(error.name)) {
        return err(new ImageAnalysisRefusedError(`${error.name}: ${error.message}`, { cause: error }));
      }
      throw error;
    }
  }
}
