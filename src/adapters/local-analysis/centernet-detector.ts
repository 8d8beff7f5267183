import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type GraphModel, loadGraphModel } from '@tensorflow/tfjs-converter';
import * as tf from '@tensorflow/tfjs-core';
import type { Detection } from './coco-labels.js';
import { useWasmBackend } from './tfjs-wasm-backend.js';
import type { RgbPixels } from './wasm-vips-analysis-decoder.js';

/** The side of the square the model takes (fixed in its signature). */
export const CENTERNET_INPUT = 512;

/** The graph's output: 100 rows of x1, y1, x2, y2, score, class index. */
const DETECTIONS = 'tower_0/detections';

/**
 * Where `@vladmandic/human` keeps its models: `models/` beside its `dist/`. The package's
 * exports list neither, so the directory is found from its main entry.
 */
export function humanModelsDir(): string {
  const main = createRequire(import.meta.url).resolve('@vladmandic/human');
  return join(dirname(main), '..', 'models');
}

/**
 * COCO object detection with the MobileNetV3 CenterNet that ships in `@vladmandic/human`
 * (`models/centernet.json` and `.bin`, 4 MB, read from disk: nothing is fetched), on
 * TensorFlow.js's wasm backend.
 *
 * Its input is prepared as the model was trained (github.com/610265158/mobilenetv3_centernet,
 * `align_resize` and `place_image`): RGB 0-255, scaled with the aspect kept to fit 512 px,
 * on a black 512 px square. Human itself stretches the image to the square instead; on
 * real photos that cost the detector its classes (a cat became "dog" 0.48, two beagles
 * "cow" 0.50), and with the aspect kept the same photos read "cat" 0.52 and "dog" 0.71
 * (docs/analysis.md).
 *
 * @example
 * const detector = await CenterNetDetector.load();
 * const finds = await detector.detect(pixels); // [{ classIndex: 16, score: 0.72 }, ...]
 */
export class CenterNetDetector {
  private constructor(private readonly model: GraphModel) {}

  static async load(modelsDir = humanModelsDir()): Promise<CenterNetDetector> {
    await useWasmBackend();
    const [json, weights] = await Promise.all([
      readFile(join(modelsDir, 'centernet.json'), 'utf8'),
      readFile(join(modelsDir, 'centernet.bin')),
    ]);
    const { modelTopology, weightsManifest, format, generatedBy, convertedBy } = JSON.parse(
      json,
    ) as tf.io.ModelJSON;
    const model = await loadGraphModel(
      tf.io.fromMemory({
        modelTopology,
        format,
        generatedBy,
        convertedBy,
        weightSpecs: weightsManifest.flatMap((group) => group.weights),
        weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
      }),
    );
    return new CenterNetDetector(model);
  }

  /** The finds in an image of at most {@link CENTERNET_INPUT} a side, best first. */
  async detect(image: RgbPixels): Promise<Detection[]> {
    const { width, height } = image;
    if (width > CENTERNET_INPUT || height > CENTERNET_INPUT) {
      throw new Error(`CenterNet takes at most ${CENTERNET_INPUT} px a side, not ${width}x${height}`);
    }
    const output = tf.tidy(() => {
      const pixels = tf.tensor3d(Float32Array.from(image.rgb), [height, width, 3], 'float32');
      const top = Math.floor((CENTERNET_INPUT - height) / 2);
      const left = Math.floor((CENTERNET_INPUT - width) / 2);
      const square = tf.pad(pixels, [
        [top, CENTERNET_INPUT - height - top],
        [left, CENTERNET_INPUT - width - left],
        [0, 0],
      ]);
      return this.model.execute(tf.expandDims(square, 0), DETECTIONS) as tf.Tensor;
    });
    try {
      const [rows = []] = (await output.array()) as number[][][];
      return rows
        .map((row) => ({ classIndex: row[5] ?? Number.NaN, score: row[4] ?? 0 }))
        .filter((d) => Number.isInteger(d.classIndex))
        .sort((a, b) => b.score - a.score);
    } finally {
      output.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
