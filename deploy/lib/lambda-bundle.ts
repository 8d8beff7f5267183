/**
 * How a Lambda bundle is built and laid out, written once for the two builds
 * that make one: CDK's NodejsFunction at synth (node-lambda.ts, processing.ts)
 * and `npm run build` (scripts/build.ts, scripts/bundles.ts), whose dist/ the
 * benchmarks run. Each build maps {@link BUNDLE_FLAGS} to its own option names;
 * this file imports neither esbuild nor the CDK, so both sides load it cheaply.
 */

/** Entry files of the Lambdas, relative to the repository root, by bundle name (`dist/<name>/`). */
export const LAMBDA_ENTRIES = {
  http: 'src/entrypoints/lambda/http.ts',
  'thumbnail-worker': 'src/entrypoints/lambda/thumbnail-worker.ts',
  'analysis-worker': 'src/entrypoints/lambda/analysis-worker.ts',
  'purged-uploads': 'src/entrypoints/lambda/purged-uploads.ts',
  'video-start': 'src/entrypoints/lambda/video-start.ts',
  'video-probe': 'src/entrypoints/lambda/video-probe.ts',
  'video-record': 'src/entrypoints/lambda/video-record.ts',
} as const;

/**
 * The wasm-vips worker thread, bundled on its own beside the thumbnail worker's
 * `index.mjs`: WasmVipsImageProcessor starts `./wasm-vips-worker.js` from
 * beside its own module.
 */
export const IMAGE_WORKER_THREAD = {
  entry: 'src/adapters/image/wasm-vips-worker.ts',
  file: 'wasm-vips-worker.js',
} as const;

/** The `package.json` beside the thread: its `.js` must load as an ES module. */
export const THREAD_PACKAGE_JSON = `${JSON.stringify({ type: 'module' }, null, 2)}\n`;

/**
 * What ships beside the worker of the packages it loads at run time rather
 * than bundling, relative to `node_modules`: only what they load on Node, plus
 * their licences.
 * - wasm-vips: its ES module, the core and the HEIF side module for AVIF; the
 *   browser builds and the JPEG XL and SVG modules stay out.
 * - libheif-js: the wasm build's loader and its .wasm, which decode HEIC; the
 *   pure-JS build, the bundle with the .wasm inlined as text and the typings stay out.
 */
export const WORKER_PACKAGE_FILES = [
  'wasm-vips/package.json',
  'wasm-vips/LICENSE',
  'wasm-vips/THIRD-PARTY-NOTICES.md',
  'wasm-vips/lib/vips-node.mjs',
  'wasm-vips/lib/vips.wasm',
  'wasm-vips/lib/vips-heif.wasm',
  'libheif-js/package.json',
  'libheif-js/LICENSE',
  'libheif-js/libheif-wasm/LICENSE',
  'libheif-js/libheif-wasm/libheif.js',
  'libheif-js/libheif-wasm/libheif.wasm',
] as const;

/**
 * esbuild settings, in esbuild's own names. Every bundle is bundled (`--bundle`);
 * the literal types are the only values each build's mapping handles.
 */
export interface BundleFlags {
  readonly platform: 'node';
  readonly target: string;
  readonly format: 'esm';
  readonly mainFields: readonly string[];
  readonly minify: boolean;
  readonly sourcemap: 'linked';
  readonly legalComments: 'eof';
  /** Prepended to every output file. */
  readonly banner: string;
  readonly external: readonly string[];
  readonly logLevel: 'warning';
}

/**
 * The settings of every Lambda bundle and of the image worker thread: ES modules
 * for the Node 24 runtime, minified, with source maps beside them.
 */
export const BUNDLE_FLAGS: BundleFlags = {
  platform: 'node',
  target: 'node24',
  format: 'esm',
  mainFields: ['module', 'main'],
  minify: true,
  sourcemap: 'linked',
  // Licence notices stay inside the file that ships, with no LEGAL.txt to lose when zipping.
  legalComments: 'eof',
  // An ES module has no `require`, yet bundled CommonJS dependencies call it for Node
  // built-ins. The alias keeps clear of a `createRequire` import in the bundle.
  banner:
    "import { createRequire as __pixportCreateRequire } from 'node:module'; const require = __pixportCreateRequire(import.meta.url);",
  // wasm-vips and libheif-js are Emscripten builds that find their .wasm files (and
  // wasm-vips its threads' script) relative to their own module file, so they ship as
  // packages instead (WORKER_PACKAGE_FILES), and no .wasm ends up inlined in a bundle.
  external: ['wasm-vips', 'libheif-js'],
  // esbuild's size table on every build is noise; its warnings and errors still show.
  logLevel: 'warning',
};

/**
 * `flags` as esbuild command-line arguments (unquoted), for builds run as shell
 * commands such as CDK's bundling hooks.
 *
 * @example
 * esbuildArgs() // ['--bundle', '--platform=node', '--target=node24', ...]
 */
export function esbuildArgs(flags: BundleFlags = BUNDLE_FLAGS): string[] {
  // Keyed by flag, so a flag added to BundleFlags does not compile until it is mapped here.
  const byFlag = {
    platform: [`--platform=${flags.platform}`],
    target: [`--target=${flags.target}`],
    format: [`--format=${flags.format}`],
    mainFields: [`--main-fields=${flags.mainFields.join(',')}`],
    minify: flags.minify ? ['--minify'] : [],
    sourcemap: [`--sourcemap=${flags.sourcemap}`],
    legalComments: [`--legal-comments=${flags.legalComments}`],
    banner: [`--banner:js=${flags.banner}`],
    external: flags.external.map((name) => `--external:${name}`),
    logLevel: [`--log-level=${flags.logLevel}`],
  } satisfies Record<keyof BundleFlags, string[]>;
  return ['--bundle', ...Object.values(byFlag).flat()];
}
