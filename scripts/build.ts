/**
 * Builds one esbuild bundle per Lambda into dist/<name>/index.mjs, ready to
 * zip as the function's code:
 *
 *   dist/http/index.mjs
 *   dist/thumbnail-worker/index.mjs              the handler
 *   dist/thumbnail-worker/wasm-vips-worker.js    the image worker thread, started beside the handler
 *   dist/thumbnail-worker/node_modules/wasm-vips only the files wasm-vips loads at run time
 *
 * What each bundle holds, and the esbuild settings, come from
 * deploy/lib/lambda-bundle.ts, which the CDK stack bundles from as well.
 *
 * Usage: npm run build  (tsx scripts/build.ts [outdir])
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { IMAGE_WORKER_THREAD, LAMBDA_ENTRIES, WASM_VIPS_FILES } from '../deploy/lib/lambda-bundle.js';
import { buildImageWorkerThread, nodeBundle, root } from './bundles.js';

const outdir = resolve(root, process.argv[2] ?? 'dist');

async function main(): Promise<void> {
  await rm(outdir, { recursive: true, force: true });

  for (const [name, entry] of Object.entries(LAMBDA_ENTRIES)) {
    await build({
      ...nodeBundle,
      entryPoints: { index: join(root, entry) },
      outdir: join(outdir, name),
      outExtension: { '.js': '.mjs' },
    });
  }

  const worker = join(outdir, 'thumbnail-worker');
  await buildImageWorkerThread(worker);
  for (const file of WASM_VIPS_FILES) {
    const to = join(worker, 'node_modules/wasm-vips', file);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(join(root, 'node_modules/wasm-vips', file), to);
  }

  for (const file of [
    'http/index.mjs',
    'thumbnail-worker/index.mjs',
    `thumbnail-worker/${IMAGE_WORKER_THREAD.file}`,
    ...WASM_VIPS_FILES.filter((f) => f.endsWith('.wasm')).map(
      (f) => `thumbnail-worker/node_modules/wasm-vips/${f}`,
    ),
  ]) {
    const { size } = await stat(join(outdir, file));
    console.log(
      `${relative(root, join(outdir, file)).padEnd(62)} ${(size / 1024).toFixed(0).padStart(7)} KiB`,
    );
  }
}

await main();
