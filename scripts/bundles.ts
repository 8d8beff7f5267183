/**
 * esbuild settings shared by the Lambda build (scripts/build.ts) and the image
 * benchmark, which measures memory on the same bundles Lambda runs rather than
 * on sources compiled on the fly by tsx.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** ES module bundles for Node with wasm-vips left external. */
export const nodeBundle: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'external',
  mainFields: ['module', 'main'],
  // Some dependencies are CommonJS and `require` Node built-ins, which an ES module bundle cannot do
  // without a `require` of its own.
  banner: {
    js: "import { createRequire as __pixportCreateRequire } from 'node:module'; const require = __pixportCreateRequire(import.meta.url);",
  },
  // wasm-vips is an Emscripten build that finds its .wasm files and spawns its
  // own threads relative to its own module file.
  external: ['wasm-vips'],
  logLevel: 'warning',
};

/**
 * WasmVipsImageProcessor starts `./wasm-vips-worker.js` beside its own module:
 * builds that worker thread into `outdir`, marked as an ES module.
 */
export async function buildImageWorkerThread(outdir: string): Promise<void> {
  await build({
    ...nodeBundle,
    entryPoints: { 'wasm-vips-worker': join(root, 'src/adapters/image/wasm-vips-worker.ts') },
    outdir,
  });
  await writeFile(join(outdir, 'package.json'), `${JSON.stringify({ type: 'module' }, null, 2)}\n`);
}
