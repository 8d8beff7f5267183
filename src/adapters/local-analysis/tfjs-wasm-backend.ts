import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';

let selected: Promise<void> | undefined;

/**
 * Makes TensorFlow.js's WebAssembly backend the process's backend, once. Its wasm
 * binaries ship inside `@tensorflow/tfjs-backend-wasm` and load from there, so nothing
 * is fetched; it needs no native addon (tfjs-node is not a dependency) and runs the
 * same everywhere Node runs. A backend that will not start throws: that is the
 * analyser failing, not the image.
 *
 * @example await useWasmBackend(); // tf.getBackend() === 'wasm'
 */
export function useWasmBackend(): Promise<void> {
  selected ??= tf.setBackend('wasm').then((chosen) => {
    if (!chosen) throw new Error('TensorFlow.js could not start its wasm backend');
  });
  selected.catch(() => {
    selected = undefined;
  });
  return selected;
}
