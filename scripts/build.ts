/**
 * Builds one esbuild bundle per Lambda into dist/<name>/index.mjs, ready to
 * zip as the function's code:
 *
 *   dist/http/index.mjs
 *   dist/thumbnail-worker/index.mjs              the handler
 *   dist/thumbnail-worker/wasm-vips-worker.js    the image worker thread, started beside the handler
 *   dist/thumbnail-worker/node_modules/          only the files of wasm-vips and libheif-js
 *                                                loaded at run time
 *   dist/analysis-worker/                        the same layout: it renders the analysis JPEG
 *   dist/video-record/                           the same layout: it renders a video poster's renditions
 *
 * What each bundle holds, and the esbuild settings, come from
 * deploy/lib/lambda-bundle.ts, which the CDK stack bundles from as well.
 *
 * Usage: npm run build  (tsx scripts/build.ts [outdir])
 */
import { copyFile, mkdir, rm, stat } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { build } from 'esbuild';
import { IMAGE_WORKER_THREAD, LAMBDA_ENTRIES, WORKER_PACKAGE_FILES } from '../deploy/lib/lambda-bundle.js';
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

  // The workers and the video workflow's Record step decode images with wasm-vips: each ships
  // the thread and its packages.
  for (const name of ['thumbnail-worker', 'analysis-worker', 'video-record']) {
    const worker = join(outdir, name);
    await buildImageWorkerThread(worker);
    for (const file of WORKER_PACKAGE_FILES) {
      const to = join(worker, 'node_modules', file);
      await mkdir(dirname(to), { recursive: true });
      await copyFile(join(root, 'node_modules', file), to);
    }
  }

  for (const file of [
    'http/index.mjs',
    'thumbnail-worker/index.mjs',
    'analysis-worker/index.mjs',
    `thumbnail-worker/${IMAGE_WORKER_THREAD.file}`,
    ...WORKER_PACKAGE_FILES.filter((f) => f.endsWith('.wasm')).map(
      (f) => `thumbnail-worker/node_modules/${f}`,
    ),
  ]) {
    const { size } = await stat(join(outdir, file));
    console.log(
      `${relative(root, join(outdir, file)).padEnd(72)} ${(size / 1024).toFixed(0).padStart(7)} KiB`,
    );
  }
}

await main();
