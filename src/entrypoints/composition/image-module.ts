import { ContainerModule } from 'inversify';
import {
  WasmVipsImageProcessor,
  type WasmVipsImageProcessorOptions,
} from '../../adapters/image/wasm-vips-image-processor.js';
import { TOKENS as T } from './tokens.js';

/**
 * The ImageProcessor of Node and Lambda: wasm-vips in a worker thread, one
 * per container. Its own module because the Worker, which renders with the
 * Images binding, must never reach wasm-vips. Whoever stops the process
 * closes it: `container.get(TOKENS.WasmVipsImageProcessor).close()`.
 *
 * @example
 * container.load(coreModule(config), awsAdapters(config), wasmVipsImages());
 */
export function wasmVipsImages(options: WasmVipsImageProcessorOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(T.WasmVipsImageProcessor).toConstantValue(new WasmVipsImageProcessor(options));
    bind(T.ImageProcessor).toService(T.WasmVipsImageProcessor);
  });
}
