/**
 * Builds one esbuild bundle per Lambda into dist/<name>/index.mjs, ready to
 * zip as the function's code:
 *
 *   dist/http/index.mjs
 *   dist/thumbnail-worker/index.mjs              the handler
 *   dist/thumbnail-worker/wasm-vips-worker.js    the image worker thread, started beside the handler
 *   dist/thumbnail-worker/node_modules/wasm-vips only the files wasm-vips loads at run time
 *
 * wasm-vips stays external: it is an Emscripten build that finds its .wasm
 * files and spawns its own threads relative to its own module file.
 *
 * Usage: npm run build  (tsx scripts/build.ts [outdir])
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildImageWorkerThread, nodeBundle, root } from './bundles.js';

const outdir = resolve(root, process.argv[2] ?? 'dist');
/** Only what wasm-vips loads on Node: its ES module, the core and the HEIF (AVIF) side module. */
const WASM_VIPS_FILES = [
  'package.json',
  'LICENSE',
  'THIRD-PARTY-NOTICES.md',
  'lib/vips-node.mjs',
  'lib/vips.wasm',
  'lib/vips-heif.wasm',
];

async function main(): Promise<void> {
  await rm(outdir, { recursive: true, force: true });

  await build({
    ...nodeBundle,
    entryPoints: { index: join(root, 'src/entrypoints/lambda/http.ts') },
    outdir: join(outdir, 'http'),
    outExtension: { '.js': '.mjs' },
  });

  const worker = join(outdir, 'thumbnail-worker');
  await build({
    ...nodeBundle,
    entryPoints: { index: join(root, 'src/entrypoints/lambda/thumbnail-worker.ts') },
    outdir: worker,
    outExtension: { '.js': '.mjs' },
  });
  await buildImageWorkerThread(worker);
  for (const file of WASM_VIPS_FILES) {
    const to = join(worker, 'node_modules/wasm-vips', file);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(join(root, 'node_modules/wasm-vips', file), to);
  }

  for (const file of [
    'http/index.mjs',
    'thumbnail-worker/index.mjs',
    'thumbnail-worker/wasm-vips-worker.js',
    'thumbnail-worker/node_modules/wasm-vips/lib/vips.wasm',
    'thumbnail-worker/node_modules/wasm-vips/lib/vips-heif.wasm',
  ]) {
    const { size } = await stat(join(outdir, file));
    console.log(
      `${relative(root, join(outdir, file)).padEnd(62)} ${(size / 1024).toFixed(0).padStart(7)} KiB`,
    );
  }
}

await main();
