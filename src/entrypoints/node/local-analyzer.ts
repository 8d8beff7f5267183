import type { LocalModelsLoaded } from '../../adapters/local-analysis/local-image-analyzer.js';
import type { AnalysisImage, ImageAnalyzer } from '../../application/ports/image-analyzer.js';

/** The dev server's analyser: the local models, loaded when first asked. */
export interface DevImageAnalyzer extends ImageAnalyzer {
  /** Loads the models now (the dev server starts it once it listens). */
  load(): Promise<LocalModelsLoaded>;
  close(): Promise<void>;
}

/**
 * The local models behind a dynamic import: TensorFlow.js and the model files are
 * read once the server listens (or the first photo arrives), so `npm run dev` is
 * not slowed by them.
 *
 * @example
 * const analyzer = localImageAnalyzer();
 * void analyzer.load().then(({ loadMs }) => console.log(loadMs));
 */
export function localImageAnalyzer(): DevImageAnalyzer {
  let analyzer: Promise<import('../../adapters/local-analysis/local-image-analyzer.js').LocalImageAnalyzer>;
  const get = () => {
    analyzer ??= import('../../adapters/local-analysis/local-image-analyzer.js').then(
      (m) => new m.LocalImageAnalyzer(),
    );
    return analyzer;
  };
  return {
    async load() {
      return (await get()).load();
    },
    async analyze(image: AnalysisImage) {
      return (await get()).analyze(image);
    },
    async close() {
      if (analyzer) await (await analyzer).close();
    },
  };
}
