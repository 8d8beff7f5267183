import type { ImageAnalysisRefusedError } from '../../domain/errors.js';
import type { ImageAnalysis } from '../../domain/image-analysis.js';
import type { Result } from '../../domain/result.js';

/**
 * The image an analyser is given: a JPEG of at most 1024 px a side (so well under
 * the 5 MB Rekognition takes), stored under `key` and handed over as bytes too, so
 * an adapter takes whichever its service wants (Rekognition an S3 reference, a local
 * model or Workers AI the bytes).
 */
export interface AnalysisImage {
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly contentType: 'image/jpeg' | 'image/png';
}

/**
 * Labels and moderation of an image, in Rekognition's vocabulary. An image the
 * analyser refuses for good is returned as an error; a failure of the service
 * (throttled, unreachable, a crash) throws, so the job is retried.
 */
export interface ImageAnalyzer {
  analyze(image: AnalysisImage): Promise<Result<ImageAnalysis, ImageAnalysisRefusedError>>;
}
