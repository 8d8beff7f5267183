import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { NSFWJS } from 'nsfwjs/core';
import { MobileNetV2Model } from 'nsfwjs/models/mobilenet_v2';
import type { NsfwPrediction } from './nsfw-moderation.js';
import { useWasmBackend } from './tfjs-wasm-backend.js';
import type { RgbPixels } from './wasm-vips-analysis-decoder.js';

/** The side of the square nsfwjs's MobileNetV2 takes. */
export const NSFWJS_INPUT = 224;

/** A model bundled in nsfwjs: its model.json and its weight shards, base64, as modules. */
interface BundledModel {
  modelJson(): Promise<{ default: tf.io.ModelJSON }>;
  readonly weightBundles: readonly (() => Promise<{ default: string }>)[];
}

/** The installed nsfwjs version, read from its package.json (which its exports do not list). */
async function nsfwjsVersion(): Promise<string> {
  // The CommonJS entry is dist/cjs/index.js: the package root is two levels up.
  const main = createRequire(import.meta.url).resolve('nsfwjs');
  const pkg = JSON.parse(await readFile(join(dirname(main), '..', '..', 'package.json'), 'utf8')) as {
    version?: string;
  };
  return pkg.version ?? 'unknown';
}

/**
 * Image moderation with nsfwjs's MobileNetV2 (the model bundled in the package as
 * `dist/models/mobilenet_v2`, 3.5 MB of base64 in two JavaScript modules: nothing is
 * fetched), on TensorFlow.js's wasm backend. It answers five exclusive classes with
 * softmax probabilities.
 *
 * The model is built from the package's own model definition through nsfwjs's public
 * `NSFWJS` class, rather than with `load('MobileNetV2')`, which says so on the console
 * at every start.
 *
 * @example
 * const classifier = await NsfwjsClassifier.load();
 * await classifier.classify(pixels); // [{ className: 'Neutral', probability: 0.97 }, ...]
 */
export class NsfwjsClassifier {
  private constructor(
    private readonly model: NSFWJS,
    /** nsfwjs's version and the model, as recorded with each moderation result. */
    readonly modelVersion: string,
  ) {}

  static async load(): Promise<NsfwjsClassifier> {
    await useWasmBackend();
    // nsfwjs's model typings import "../core" without an extension, which NodeNext cannot
    // follow; the shapes are restated here.
    const definition = MobileNetV2Model as BundledModel;
    const [{ default: modelJson }, version, ...shards] = await Promise.all([
      definition.modelJson(),
      nsfwjsVersion(),
      ...definition.weightBundles.map((bundle) => bundle()),
    ]);
    const weights = shards.map(({ default: base64 }) => Buffer.from(base64, 'base64'));
    const weightData = new Uint8Array(Buffer.concat(weights)).buffer;
    const handler = tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData,
    });
    const model = new NSFWJS(handler, { size: NSFWJS_INPUT });
    await model.load();
    return new NsfwjsClassifier(model, `nsfwjs-${version}-mobilenet_v2`);
  }

  /** The five classes and their probabilities (0-1) for an image of {@link NSFWJS_INPUT} square. */
  async classify(image: RgbPixels): Promise<NsfwPrediction[]> {
    const pixels = tf.tensor3d(Float32Array.from(image.rgb), [image.height, image.width, 3], 'float32');
    try {
      return await this.model.classify(pixels, 5);
    } finally {
      pixels.dispose();
    }
  }

  dispose(): void {
    this.model.dispose();
  }
}
