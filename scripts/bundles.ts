/**
 * The Lambda bundle settings of deploy/lib/lambda-bundle.ts in esbuild's API
 * form, for the builds that call esbuild themselves: `npm run build`
 * (scripts/build.ts), the cold-start bench's yardstick, and the image
 * benchmark, which measures memory on the same bundles Lambda runs rather than
 * on sources compiled on the fly by tsx.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build } from 'esbuild';
import {
  BUNDLE_FLAGS,
  type BundleFlags,
  IMAGE_WORKER_THREAD,
  THREAD_PACKAGE_JSON,
} from '../deploy/lib/lambda-bundle.js';

/** The repository root, which entry files are relative to. */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `flags` as esbuild API options; a build adds its entry points and output. */
export function esbuildOptions(flags: BundleFlags = BUNDLE_FLAGS): BuildOptions {
  // Keyed by flag, so a flag added to BundleFlags does not compile until it is mapped here.
  const byFlag = {
    platform: { platform: flags.platform },
    target: { target: flags.target },
    format: { format: flags.format },
    mainFields: { mainFields: [...flags.mainFields] },
    minify: { minify: flags.minify },
    sourcemap: { sourcemap: flags.sourcemap },
    legalComments: { legalComments: flags.legalComments },
    banner: { banner: { js: flags.banner } },
    external: { external: [...flags.external] },
    logLevel: { logLevel: flags.logLevel },
  } satisfies Record<keyof BundleFlags, BuildOptions>;
  return Object.assign({ bundle: true }, ...Object.values(byFlag));
}

/**
 * ES module bundles for Node with wasm-vips left external, as every Lambda is built.
 *
 * @example
 * await build({ ...nodeBundle, entryPoints: { index: 'src/entrypoints/lambda/http.ts' }, outdir })
 */
export const nodeBundle: BuildOptions = esbuildOptions();

/** Builds the image worker thread into `outdir`, marked as an ES module. */
export async function buildImageWorkerThread(outdir: string): Promise<void> {
  await build({
    ...nodeBundle,
    entryPoints: [join(root, IMAGE_WORKER_THREAD.entry)],
    outfile: join(outdir, IMAGE_WORKER_THREAD.file),
  });
  await writeFile(join(outdir, 'package.json'), THREAD_PACKAGE_JSON);
}
