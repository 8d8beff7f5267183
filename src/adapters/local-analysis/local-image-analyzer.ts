import type { AnalysisImage, ImageAnalyzer } from '../../application/ports/image-analyzer.js';
import type { ImageAnalysisRefusedError } from '../../domain/errors.js';
import type { ImageAnalysis } from '../../domain/image-analysis.js';
import { ok, type Result } from '../../domain/result.js';
import { CENTERNET_INPUT, CenterNetDetector } from './centernet-detector.js';
import { cocoLabels } from './coco-labels.js';
import { nsfwModeration } from './nsfw-moderation.js';
import { NSFWJS_INPUT, NsfwjsClassifier } from './nsfwjs-classifier.js';
import { WasmVipsAnalysisDecoder } from './wasm-vips-analysis-decoder.js';

/** What the analyser reports, beyond the models themselves. */
export interface LocalImageAnalyzerConfig {
  /**
   * The least confidence (0-100) a label or moderation label is reported at; default 50,
   * what the Rekognition adapter asks of Rekognition. The use case keeps labels from 70.
   */
  readonly minConfidence?: number;
}

/** How long the models took to load, for the dev server's log and the benchmark. */
export interface LocalModelsLoaded {
  readonly loadMs: number;
  readonly modelVersion: string;
}

interface LocalModels {
  readonly decoder: WasmVipsAnalysisDecoder;
  readonly detector: CenterNetDetector;
  readonly classifier: NsfwjsClassifier;
  readonly loaded: LocalModelsLoaded;
}

/**
 * ImageAnalyzer on models that ship inside npm packages, for the dev server and the
 * tests: labels from the COCO CenterNet of `@vladmandic/human` ({@link CenterNetDetector},
 * mapped by {@link cocoLabels}), moderation from nsfwjs's MobileNetV2
 * ({@link NsfwjsClassifier}, mapped by {@link nsfwModeration}), both on TensorFlow.js's
 * wasm backend; the image decoded by wasm-vips. Every model file is read from
 * node_modules: nothing is downloaded at run time. docs/analysis.md has the maps, the confidence scale and the measured figures.
 *
 * The models load on first use, or at `load()` (for the dev server to call at start, so
 * the first photo does not wait for them). Analyses run one at a time, on the calling
 * thread (about 0.2 s of CPU each, which the event loop waits out). Bytes that are not
 * a readable JPEG or PNG are a refusal; a model or backend that fails throws, so the job
 * is retried.
 *
 * @example
 * const analyzer = new LocalImageAnalyzer();
 * await analyzer.load();
 * const result = await analyzer.analyze({ key, bytes, contentType: 'image/jpeg' });
 */
export class LocalImageAnalyzer implements ImageAnalyzer {
  #models: Promise<LocalModels> | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly config: LocalImageAnalyzerConfig = {}) {}

  /** Loads the models and the decoder once; later calls share the first. A failed load is retried by the next call. */
  async load(): Promise<LocalModelsLoaded> {
    return (await this.#load()).loaded;
  }

  async analyze(image: AnalysisImage): Promise<Result<ImageAnalysis, ImageAnalysisRefusedError>> {
    const models = await this.#load();
    // One at a time: the backend is one thread anyway, and the peak memory stays one image's.
    const run = this.#queue.then(() => this.#analyze(models, image));
    this.#queue = run.catch(() => {});
    return run;
  }

  /** Frees the models' tensors; a later `analyze` or `load` loads them again. */
  async close(): Promise<void> {
    const models = this.#models;
    this.#models = undefined;
    if (!models) return;
    await this.#queue;
    const loaded = await models.catch(() => undefined);
    loaded?.detector.dispose();
    loaded?.classifier.dispose();
  }

  #load(): Promise<LocalModels> {
    if (!this.#models) {
      const started = performance.now();
      const loading = Promise.all([
        WasmVipsAnalysisDecoder.start({ detectorSize: CENTERNET_INPUT, classifierSize: NSFWJS_INPUT }),
        CenterNetDetector.load(),
        NsfwjsClassifier.load(),
      ]).then(([decoder, detector, classifier]) => ({
        decoder,
        detector,
        classifier,
        loaded: { loadMs: performance.now() - started, modelVersion: classifier.modelVersion },
      }));
      loading.catch(() => {
        if (this.#models === loading) this.#models = undefined;
      });
      this.#models = loading;
    }
    return this.#models;
  }

  async #analyze(
    models: LocalModels,
    image: AnalysisImage,
  ): Promise<Result<ImageAnalysis, ImageAnalysisRefusedError>> {
    const pixels = models.decoder.decode(image.bytes);
    if (!pixels.ok) return pixels;
    const minConfidence = this.config.minConfidence ?? 50;
    const detections = await models.detector.detect(pixels.value.detector);
    const classes = await models.classifier.classify(pixels.value.classifier);
    return ok({
      labels: cocoLabels(detections, minConfidence),
      moderation: {
        labels: nsfwModeration(classes, minConfidence),
        modelVersion: models.classifier.modelVersion,
      },
    });
  }
}
