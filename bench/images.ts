/**
 * Image benchmark: `npm run bench` (tsx bench/images.ts).
 *
 * 0. Targets of issue 19 on a 12 MP baseline JPEG, synthetic and real (a
 *    Debian wallpaper photograph, fetched by bench/debian-wallpapers.ts): the
 *    pipeline at the default efforts against sharp at the same settings and
 *    against itself at effort 4 everywhere (as it was), with bytes and SSIM;
 *    printed last as met or missed. BENCH_TARGETS_ONLY=1 runs only this part
 *    and prints it without writing the report.
 * 1. Speed: on generated photo-like JPEGs of ~2, 12 and 24 MP, baseline and
 *    progressive, makes the default preset set three ways, interleaved in one
 *    process so machine noise hits all alike:
 *      - pipeline: the decode-once pipeline (renderImage) on wasm-vips in-process,
 *      - processor: the same through WasmVipsImageProcessor (worker thread, copies),
 *      - per-preset: one wasm-vips thumbnailBuffer call per preset,
 *      - sharp: one sharp pipeline per preset (native libvips), sharp.concurrency(1).
 *    Every path encodes each preset at its WebP effort (4 where none is set).
 *    All single threaded; medians of BENCH_ITERATIONS runs (default 5).
 *    Two more columns split the work: decode times the pipeline's decode alone
 *    (shrink-on-load to the largest preset, oriented, in memory), encode times
 *    only the WebP encodes of the finished renditions from memory. Encoding is
 *    the same work on every path, so it bounds how far decoding once can go.
 * 2. Peak RSS: each method twice per photo in a fresh child process; the
 *    median of BENCH_RSS_RUNS such processes (default 3), as one varies by
 *    up to ~70 MiB from the next with thread timing.
 * 3. Soak: SOAK_COUNT (default 1000) full preset sets over varied 12-24 MP photos
 *    through one WasmVipsImageProcessor with recycling on, then
 *    SOAK_NO_RECYCLE_COUNT (default 120) with recycling effectively off; RSS
 *    every 100 images, throughput, failures. SOAK_MAX_HEAP_MIB and
 *    SOAK_MAX_IMAGES_PER_WORKER replace the processor's defaults in the first
 *    soak, to try other recycling settings.
 *
 * 4. HEIC: the 12 MP baseline photo of 1, encoded as HEIC by Debian's heif-enc
 *    (libheif-examples; the bench says so when it is missing), against the same
 *    photo as JPEG: decode (for the HEIC: libheif-js to RGB pixels; for the
 *    JPEG: as in 1) and the full preset set, in-process and through the
 *    processor, medians of BENCH_ITERATIONS; peak RSS as in 2; then
 *    HEIC_SOAK_COUNT (default 20) HEICs through one processor with its default
 *    recycling and with the worker replaced after every HEIC
 *    (maxLibheifHeapBytes 0). BENCH_HEIC_ONLY=1 runs only this part and prints
 *    it without writing the report.
 *
 * The child processes of 2, 3 and 4 run this file bundled by esbuild with the
 * worker thread beside it, as the Lambda function runs it: under tsx every
 * thread would also carry the TypeScript loader, ~50-120 MiB that production
 * never has.
 *
 * Writes a markdown report to bench/results/images.md and prints it.
 * Photos are generated once and cached in the OS temp directory.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RenditionSettings } from '../src/domain/presets.js';

/** The installed version of a package, for the results' header. */
const versionOf = (name: string): string =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8'),
  ).version;

const SELF = fileURLToPath(import.meta.url);
const RESULTS = join(SELF, '..', 'results', 'images.md');
const CACHE = join(tmpdir(), 'pixport-bench-photos');
const BUNDLE_DIR = join(SELF, '..', '..', 'node_modules', '.cache', 'pixport-bench');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);
const RSS_RUNS = Number(process.env.BENCH_RSS_RUNS ?? 3);
const SOAK_COUNT = Number(process.env.SOAK_COUNT ?? 1000);
const SOAK_NO_RECYCLE_COUNT = Number(process.env.SOAK_NO_RECYCLE_COUNT ?? 120);
const SAMPLE_EVERY = Number(process.env.SOAK_SAMPLE_EVERY ?? 100);
const HEIC_ONLY = process.env.BENCH_HEIC_ONLY === '1';
const TARGETS_ONLY = process.env.BENCH_TARGETS_ONLY === '1';
const HEIC_SOAK_COUNT = Number(process.env.HEIC_SOAK_COUNT ?? 20);
const MAX_PIXELS = 50_000_000;
/** The WebP effort libvips and sharp use when none is given, and every preset's before issue 19. */
const LIBVIPS_EFFORT = 4;

interface Photo {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly progressive: boolean;
  readonly seed: number;
}

const photo = (width: number, height: number, progressive: boolean, seed = 1): Photo => ({
  name: `${((width * height) / 1e6).toFixed(0)}MP-${progressive ? 'progressive' : 'baseline'}${seed > 1 ? `-${seed}` : ''}`,
  width,
  height,
  progressive,
  seed,
});

const SPEED_PHOTOS: Photo[] = [1, 2].flatMap((i) => {
  const progressive = i === 2;
  return [photo(1728, 1152, progressive), photo(4000, 3000, progressive), photo(6000, 4000, progressive)];
});
const SOAK_PHOTOS: Photo[] = [
  photo(4000, 3000, false, 2),
  photo(4608, 3456, true, 3),
  photo(5184, 3888, false, 4),
  photo(6000, 4000, true, 5),
];

/** The photo the HEIC part encodes as HEIC: the 12 MP baseline JPEG of the speed part. */
const HEIC_PHOTO: Photo = photo(4000, 3000, false);
/** The Debian wallpaper (4224x3168, a dragonfly among leaves) the targets also use, made 12 MP baseline. */
const TARGET_REAL_PHOTO = 'Dragonfly_by_Bolly';

const METHODS = ['pipeline', 'processor', 'per-preset', 'sharp'] as const;
const SPEED_METHODS = [...METHODS, 'decode', 'encode'] as const;
/** The HEIC part's methods: libheif-js's decode alone, then the pipeline and the processor. */
const HEIC_METHODS = ['heic-decode', 'pipeline', 'processor'] as const;
type Method = (typeof SPEED_METHODS)[number] | (typeof HEIC_METHODS)[number];

async function photoFile(p: Photo): Promise<string> {
  await mkdir(CACHE, { recursive: true });
  const file = join(CACHE, `${p.name}-${p.width}x${p.height}.jpg`);
  if (!existsSync(file)) {
    // Imported here so the child processes never load sharp, which it uses.
    const { photoJpeg } = await import('../test/support/images.js');
    const bytes = await photoJpeg({
      width: p.width,
      height: p.height,
      progressive: p.progressive,
      seed: p.seed,
    });
    await writeFile(file, bytes);
  }
  return file;
}

/** `p` as a HEIC made by heif-enc from its JPEG (libheif's default quality, 50), cached beside it. */
async function heicFile(p: Photo): Promise<string> {
  const jpeg = await photoFile(p);
  const file = jpeg.replace(/\.jpg$/, '.heic');
  if (!existsSync(file)) {
    const { execFileSync } = await import('node:child_process');
    try {
      execFileSync('heif-enc', [jpeg, '-o', file], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (e) {
      throw new Error('the HEIC part needs heif-enc to make its photo: apt-get install -y libheif-examples', {
        cause: e,
      });
    }
  }
  return file;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);

/**
 * Makes one preset set by `method`; returns a function that runs it once. A run
 * that returns a number timed itself (the part it measures, without its setup).
 */
async function makeRunner(
  method: Method,
  given?: RenditionSettings,
): Promise<{ run: (bytes: Uint8Array) => Promise<unknown>; close: () => Promise<void> }> {
  const settings = given ?? (await import('../src/domain/presets.js')).defaultRenditionSettings;
  if (method === 'sharp') {
    const { default: sharp } = await import('sharp');
    sharp.concurrency(1);
    return {
      run: async (bytes) => {
        for (const p of settings.presets) {
          await sharp(bytes)
            .rotate()
            .resize(p.width, p.height, { fit: p.fit, withoutEnlargement: true })
            .webp({ quality: settings.quality, effort: p.effort ?? LIBVIPS_EFFORT })
            .toBuffer();
        }
      },
      close: async () => {},
    };
  }
  if (method === 'processor') {
    const { WasmVipsImageProcessor } = await import('../src/adapters/image/wasm-vips-image-processor.js');
    const processor = new WasmVipsImageProcessor();
    return {
      run: async (bytes) => {
        const r = await processor.render(bytes, settings, { maxPixels: MAX_PIXELS });
        if (!r.ok) throw r.error;
      },
      close: () => processor.close(),
    };
  }
  const vips = await loadVips();
  const { renderImage } = await import('../src/adapters/image/wasm-vips-pipeline.js');
  // libheif-js is loaded by the first HEIC, as a worker loads it, so JPEG runs never carry it.
  const { LibheifDecoder } = await import('../src/adapters/image/libheif-decoder.js');
  let loading: ReturnType<typeof LibheifDecoder.load> | undefined;
  const libheifFor = async (bytes: Uint8Array) => {
    const { ContentType } = await import('../src/domain/content-type.js');
    const sniffed = ContentType.sniff(bytes);
    if (sniffed.kind !== 'image' || (sniffed.format !== 'heic' && sniffed.format !== 'heif'))
      return undefined;
    loading ??= LibheifDecoder.load();
    return loading;
  };
  if (method === 'heic-decode') {
    return {
      run: async (bytes) => {
        const libheif = await libheifFor(bytes);
        if (!libheif) throw new Error('heic-decode takes HEICs only');
        const r = libheif.decodePrimary(bytes, (pixels) => pixels.width);
        if (!r.ok) throw r.error;
      },
      close: async () => {},
    };
  }
  if (method === 'pipeline') {
    return {
      run: async (bytes) => {
        const r = renderImage(vips, bytes, settings, { maxPixels: MAX_PIXELS }, await libheifFor(bytes));
        if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      },
      close: async () => {},
    };
  }
  if (method === 'decode') {
    const { largestNeeded } = await import('../src/domain/sizing.js');
    return {
      run: async (bytes) => {
        const header = vips.Image.newFromBuffer(bytes, '', { access: 'sequential' });
        const stored = { width: header.width, height: header.height };
        const orientation = header.getTypeof('orientation') ? header.getInt('orientation') : 1;
        header.delete();
        const need = largestNeeded(stored, orientation, settings.presets);
        const image = vips.Image.thumbnailBuffer(bytes, need.width, { height: need.height, size: 'down' });
        const decoded = image.copyMemory();
        decoded.delete();
        image.delete();
      },
      close: async () => {},
    };
  }
  if (method === 'encode') {
    return {
      run: async (bytes) => {
        const renditions = settings.presets.map((p) => {
          const image = vips.Image.thumbnailBuffer(bytes, p.width, {
            height: p.height,
            size: 'down',
            ...(p.fit === 'cover' ? { crop: 'centre' } : {}),
          });
          const memory = image.copyMemory();
          image.delete();
          return { image: memory, effort: p.effort ?? LIBVIPS_EFFORT };
        });
        const started = performance.now();
        for (const { image, effort } of renditions) {
          image.writeToBuffer('.webp', { Q: settings.quality, effort, keep: 'none' });
        }
        const elapsed = performance.now() - started;
        for (const { image } of renditions) image.delete();
        return elapsed;
      },
      close: async () => {},
    };
  }
  return {
    run: async (bytes) => {
      for (const p of settings.presets) {
        const image = vips.Image.thumbnailBuffer(bytes, p.width, {
          height: p.height,
          size: 'down',
          option_string: 'fail_on=error',
          ...(p.fit === 'cover' ? { crop: 'centre' } : {}),
        });
        image.writeToBuffer('.webp', {
          Q: settings.quality,
          effort: p.effort ?? LIBVIPS_EFFORT,
          keep: 'none',
        });
        image.delete();
      }
    },
    close: async () => {},
  };
}

let vipsInitMs = 0;
async function loadVips() {
  const { default: Vips } = await import('wasm-vips');
  const { configureVips } = await import('../src/adapters/image/wasm-vips-pipeline.js');
  const started = performance.now();
  const vips = await Vips({
    dynamicLibraries: ['vips-heif.wasm'],
    preRun: [
      (m: { ENV: Record<string, string> }) => {
        m.ENV.VIPS_WARNING = '0';
      },
    ],
  } as Parameters<typeof Vips>[0]);
  vipsInitMs = performance.now() - started;
  configureVips(vips);
  return vips;
}

/**
 * Bundles this file for the child processes, with the image worker thread
 * beside it; sharp and wasm-vips stay external packages. Returns the entry.
 */
async function buildChildBundle(): Promise<string> {
  // Imported here: the bundle itself never builds anything.
  const { build } = await import('esbuild');
  const { buildImageWorkerThread, nodeBundle } = await import('../scripts/bundles.js');
  await build({
    ...nodeBundle,
    entryPoints: { images: SELF },
    outdir: BUNDLE_DIR,
    outExtension: { '.js': '.mjs' },
    // Modules imported dynamically (sharp's runner, the photo generator) stay
    // in chunks of their own, loaded only by the children that use them.
    splitting: true,
    external: [...(nodeBundle.external ?? []), 'sharp', 'esbuild'],
    sourcemap: false,
    minify: false,
  });
  await buildImageWorkerThread(BUNDLE_DIR);
  return join(BUNDLE_DIR, 'images.mjs');
}

/** Runs the bundled benchmark in a fresh process and returns the JSON it prints last. */
function child<T>(bundle: string, args: string[], env: Record<string, string> = {}): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [bundle, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    proc.on('exit', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) reject(new Error(`child ${args.join(' ')} exited with ${code}: ${out}`));
      else resolve(JSON.parse(last) as T);
    });
  });
}

// ---- child modes -----------------------------------------------------------

/**
 * This process's peak RSS. Linux's VmHWM belongs to the process image, while
 * getrusage's maxRSS survives fork+exec and so starts a child at its parent's
 * peak: a child spawned from this 700 MB benchmark would report 700 MB.
 */
async function peakRssBytes(): Promise<number> {
  try {
    const status = await readFile('/proc/self/status', 'utf8');
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    if (kb) return Number(kb) * 1024;
  } catch {
    // not Linux: fall back below
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function childRss(method: Method, file: string): Promise<void> {
  const bytes = new Uint8Array(await readFile(file));
  const runner = await makeRunner(method);
  await runner.run(bytes);
  await runner.run(bytes);
  await runner.close();
  console.log(JSON.stringify({ maxRssBytes: await peakRssBytes() }));
}

/** The recycling settings of the first soak: the processor's defaults unless overridden. */
function soakRecycling(): {
  maxHeapBytes?: number;
  maxImagesPerWorker?: number;
  maxLibheifHeapBytes?: number;
} {
  const heapMib = process.env.SOAK_MAX_HEAP_MIB;
  const images = process.env.SOAK_MAX_IMAGES_PER_WORKER;
  const libheifMib = process.env.SOAK_MAX_LIBHEIF_HEAP_MIB;
  return {
    ...(heapMib ? { maxHeapBytes: Number(heapMib) * 1024 * 1024 } : {}),
    ...(images ? { maxImagesPerWorker: Number(images) } : {}),
    ...(libheifMib ? { maxLibheifHeapBytes: Number(libheifMib) * 1024 * 1024 } : {}),
  };
}

interface SoakReport {
  readonly count: number;
  readonly seconds: number;
  readonly failures: number;
  readonly samples: {
    images: number;
    rssMb: number;
    heapMb: number;
    libheifHeapMb: number;
    workersStarted: number;
  }[];
  readonly maxRssMb: number;
  readonly workersStarted: number;
  readonly workersLost: number;
  readonly firstError?: string;
}

async function childSoak(mode: 'recycle' | 'no-recycle', count: number, files: string[]): Promise<void> {
  const { WasmVipsImageProcessor } = await import('../src/adapters/image/wasm-vips-image-processor.js');
  const { defaultRenditionSettings: settings } = await import('../src/domain/presets.js');
  const photos = await Promise.all(files.map(async (f) => new Uint8Array(await readFile(f))));
  const processor = new WasmVipsImageProcessor(
    mode === 'recycle'
      ? soakRecycling()
      : { maxImagesPerWorker: Number.MAX_SAFE_INTEGER, maxHeapBytes: Number.POSITIVE_INFINITY },
  );
  const samples: SoakReport['samples'] = [];
  let failures = 0;
  let firstError: string | undefined;
  const started = performance.now();
  for (let i = 1; i <= count; i++) {
    try {
      const r = await processor.render(photos[i % photos.length] as Uint8Array, settings, {
        maxPixels: MAX_PIXELS,
      });
      if (!r.ok) throw r.error;
    } catch (e) {
      failures++;
      firstError ??=
        e instanceof Error
          ? `${e.message}${e.cause instanceof Error ? `: ${e.cause.message}` : ''}`
          : String(e);
    }
    if (i % SAMPLE_EVERY === 0 || i === count) {
      const stats = processor.stats();
      samples.push({
        images: i,
        rssMb: Math.round(process.memoryUsage.rss() / 1024 / 1024),
        heapMb: Math.round((stats.current?.heapBytes ?? 0) / 1024 / 1024),
        libheifHeapMb: Math.round((stats.current?.libheifHeapBytes ?? 0) / 1024 / 1024),
        workersStarted: stats.workersStarted,
      });
      console.error(`soak ${mode}: ${JSON.stringify(samples.at(-1))}`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const stats = processor.stats();
  await processor.close();
  const report: SoakReport = {
    count,
    seconds,
    failures,
    samples,
    maxRssMb: Math.round((await peakRssBytes()) / 1024 / 1024),
    workersStarted: stats.workersStarted,
    workersLost: stats.workersLost,
    ...(firstError ? { firstError } : {}),
  };
  console.log(JSON.stringify(report));
}

// ---- the benchmark -----------------------------------------------------------

type Log = (s: string) => void;

/** The settings the image pipeline had before issue 19: the defaults with every effort libvips' 4. */
const withoutEfforts = (settings: RenditionSettings): RenditionSettings => ({
  ...settings,
  presets: settings.presets.map(({ effort: _, ...p }) => p),
});

/**
 * The real photo the targets are judged on besides the synthetic one: a
 * photograph from Debian's wallpaper packages (bench/debian-wallpapers.ts)
 * made a 12 MP baseline JPEG, q90 4:2:0, as a camera writes one; cached.
 */
async function realPhotoFile(log: Log): Promise<string> {
  const file = join(CACHE, `${TARGET_REAL_PHOTO}-4000x3000-baseline.jpg`);
  if (!existsSync(file)) {
    const { debianWallpaperPhotos } = await import('./debian-wallpapers.js');
    const source = (await debianWallpaperPhotos(log)).find((p) => p.name === TARGET_REAL_PHOTO);
    if (!source) throw new Error(`no ${TARGET_REAL_PHOTO} among the wallpaper photos`);
    const { default: sharp } = await import('sharp');
    await mkdir(CACHE, { recursive: true });
    await sharp(source.file)
      .resize(4000, 3000, { fit: 'cover' })
      .jpeg({ quality: 90, progressive: false, chromaSubsampling: '4:2:0' })
      .toFile(file);
  }
  return file;
}

/** One target: what was measured against what was asked, and whether it holds. */
interface Target {
  readonly what: string;
  readonly measured: string;
  readonly asked: string;
  readonly met: boolean;
}

/**
 * Part 0, issue 19's targets for the image pipeline, on a 12 MP baseline
 * JPEG: the synthetic one of the speed table and a real photograph.
 *
 * - Speed: the full preset set four ways, interleaved, medians of
 *   BENCH_ITERATIONS: the pipeline at the defaults, the same pipeline at
 *   effort 4 everywhere (as it was), and sharp both ways.
 * - Bytes: the pipeline's renditions at the defaults against effort 4.
 * - Quality: SSIM over luma (bench/luma-ssim.ts) of each rendition encoded
 *   both ways from the same pixels (made as the `encode` column makes them)
 *   against those pixels. Only the encoder's settings differ between the two
 *   pipelines, so the pixels before encoding are the same.
 */
async function targetsPart(log: Log): Promise<{ lines: string[]; targets: Target[] }> {
  const { defaultRenditionSettings: settings } = await import('../src/domain/presets.js');
  const { renderImage } = await import('../src/adapters/image/wasm-vips-pipeline.js');
  const { LumaSsim } = await import('./luma-ssim.js');
  const before = withoutEfforts(settings);
  const photos = [
    { name: `${HEIC_PHOTO.name} (synthetic)`, file: await photoFile(HEIC_PHOTO) },
    { name: `${TARGET_REAL_PHOTO} at 4000x3000 (real)`, file: await realPhotoFile(log) },
  ];
  const vips = await loadVips();
  const methods = [
    { name: 'pipeline', runner: await makeRunner('pipeline', settings) },
    { name: 'pipeline at effort 4', runner: await makeRunner('pipeline', before) },
    { name: 'sharp', runner: await makeRunner('sharp', settings) },
    { name: 'sharp at effort 4', runner: await makeRunner('sharp', before) },
  ];
  const lines: string[] = [];
  const targets: Target[] = [];
  const efforts = settings.presets.map((p) => `${p.name} ${p.effort ?? LIBVIPS_EFFORT}`).join(', ');
  lines.push('## Targets (issue 19)', '');
  lines.push(
    `The full preset set of a 12 MP baseline JPEG at the defaults (WebP q${settings.quality}, efforts ${efforts}) ` +
      `against the pipeline as it was (effort ${LIBVIPS_EFFORT} everywhere) and against sharp at the same settings. ` +
      `Medians of ${ITERATIONS} interleaved runs in one process. Bytes: the pipeline's renditions. ` +
      'SSIM: over luma, each rendition encoded both ways from the same pixels and decoded again, against those pixels ' +
      '(bench/luma-ssim.ts; the effort study is bench/results/webp-effort.md).',
    '',
  );
  lines.push(
    '| photo | pipeline ms | pipeline at e4 ms | sharp ms | sharp at e4 ms | pipeline / sharp | pipeline at e4 / sharp at e4 | speed-up | bytes vs e4 | SSIM per rendition, defaults / e4 |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  for (const photo of photos) {
    const bytes = new Uint8Array(await readFile(photo.file));
    for (const { runner } of methods) await runner.run(bytes); // warm-up
    const times = new Map<string, number[]>();
    for (let it = 0; it < ITERATIONS; it++) {
      log(`targets: ${photo.name}, iteration ${it + 1}/${ITERATIONS}`);
      for (let k = 0; k < methods.length; k++) {
        const { name, runner } = methods[(k + it) % methods.length] as (typeof methods)[number];
        const t = performance.now();
        await runner.run(bytes);
        times.set(name, [...(times.get(name) ?? []), performance.now() - t]);
      }
    }
    const ms = (name: string) => median(times.get(name) ?? []);
    const totalBytes = (s: RenditionSettings) => {
      const r = renderImage(vips, bytes, s, { maxPixels: MAX_PIXELS });
      if (!r.ok) throw new Error(JSON.stringify(r.error));
      return r.value.renditions.reduce((n, x) => n + x.bytes.length, 0);
    };
    const bytesRatio = totalBytes(settings) / totalBytes(before);
    const ssims = settings.presets.map((p) => {
      const thumbnail = vips.Image.thumbnailBuffer(bytes, p.width, {
        height: p.height,
        size: 'down',
        ...(p.fit === 'cover' ? { crop: 'centre' } : {}),
      });
      // In memory, as the pipeline's renditions are: a thumbnail is read from the JPEG once only.
      const image = thumbnail.copyMemory();
      thumbnail.delete();
      try {
        const raw = new Uint8Array(image.writeToMemory());
        const ssim = new LumaSsim(raw, image.width, image.height, image.bands);
        const scoreAt = (effort: number) => {
          const webp = image.writeToBuffer('.webp', { Q: settings.quality, effort, keep: 'none' });
          const decoded = vips.Image.newFromBuffer(webp);
          try {
            return ssim.score(new Uint8Array(decoded.writeToMemory()));
          } finally {
            decoded.delete();
          }
        };
        return { preset: p.name, now: scoreAt(p.effort ?? LIBVIPS_EFFORT), before: scoreAt(LIBVIPS_EFFORT) };
      } finally {
        image.delete();
      }
    });
    const speedUp = ms('pipeline at effort 4') / ms('pipeline');
    const vsSharp = ms('pipeline') / ms('sharp');
    const worstSsim = Math.min(...ssims.map((x) => x.now / x.before));
    const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
    lines.push(
      `| ${photo.name} | ${ms('pipeline').toFixed(0)} | ${ms('pipeline at effort 4').toFixed(0)} | ` +
        `${ms('sharp').toFixed(0)} | ${ms('sharp at effort 4').toFixed(0)} | ${vsSharp.toFixed(2)} | ` +
        `${(ms('pipeline at effort 4') / ms('sharp at effort 4')).toFixed(2)} | ${speedUp.toFixed(2)}x | ` +
        `${pct(bytesRatio)} | ${ssims.map((x) => `${x.preset} ${x.now.toFixed(4)} / ${x.before.toFixed(4)}`).join(', ')} |`,
    );
    targets.push(
      {
        what: `${photo.name}: pipeline / sharp, same effort and quality`,
        measured: vsSharp.toFixed(3),
        asked: 'at most 1.000',
        met: vsSharp <= 1,
      },
      {
        what: `${photo.name}: speed-up over the pipeline at effort 4`,
        measured: `${speedUp.toFixed(2)}x`,
        asked: 'at least 1.40x',
        met: speedUp >= 1.4,
      },
      {
        what: `${photo.name}: bytes against effort 4`,
        measured: pct(bytesRatio),
        asked: 'within 5%',
        met: Math.abs(bytesRatio - 1) <= 0.05,
      },
      {
        what: `${photo.name}: SSIM against effort 4, worst rendition`,
        measured: pct(worstSsim),
        asked: 'within 1%',
        met: Math.abs(worstSsim - 1) <= 0.01,
      },
    );
  }
  for (const { runner } of methods) await runner.close();
  lines.push('');
  lines.push('| target | measured | asked | |', '| --- | --- | --- | --- |');
  for (const t of targets)
    lines.push(`| ${t.what} | ${t.measured} | ${t.asked} | ${t.met ? 'met' : 'MISSED'} |`);
  lines.push('');
  return { lines, targets };
}

/** The targets as the bench prints them last: one line each, met or missed, with the ratio. */
const targetSummary = (targets: readonly Target[]): string =>
  targets.map((t) => `${t.met ? 'met   ' : 'MISSED'} ${t.what}: ${t.measured} (${t.asked})`).join('\n');

/**
 * Part 4: the 12 MP photo as HEIC against the same photo as JPEG. Returns the
 * report's lines; `bundle` is the child processes' bundle.
 */
async function heicPart(log: Log, bundle: string): Promise<string[]> {
  log('HEIC: the 12 MP photo as JPEG and as HEIC (heif-enc, cached)');
  const files = { JPEG: await photoFile(HEIC_PHOTO), HEIC: await heicFile(HEIC_PHOTO) };
  const formats = ['JPEG', 'HEIC'] as const;
  const bytes = {
    JPEG: new Uint8Array(await readFile(files.JPEG)),
    HEIC: new Uint8Array(await readFile(files.HEIC)),
  };
  const decodeOf = { JPEG: 'decode', HEIC: 'heic-decode' } as const;
  const methods = ['decode', ...HEIC_METHODS] as const;
  const runners = new Map<Method, Awaited<ReturnType<typeof makeRunner>>>();
  for (const m of methods) runners.set(m, await makeRunner(m));
  const jobs = formats.flatMap((f) =>
    [decodeOf[f], 'pipeline', 'processor'].map((m) => ({ format: f, method: m as Method })),
  );
  // Warm-up: the first processor render also starts its worker and loads libheif-js.
  for (const { format, method } of jobs) await runners.get(method)?.run(bytes[format]);
  const times = new Map<string, number[]>();
  for (let it = 0; it < ITERATIONS; it++) {
    log(`HEIC: speed iteration ${it + 1}/${ITERATIONS}`);
    for (const [k] of jobs.entries()) {
      const { format, method } = jobs[(k + it) % jobs.length] as (typeof jobs)[number];
      const t = performance.now();
      await runners.get(method)?.run(bytes[format]);
      const key = `${format}:${method}`;
      times.set(key, [...(times.get(key) ?? []), performance.now() - t]);
    }
  }
  for (const r of runners.values()) await r.close();

  log(`HEIC: peak RSS, ${RSS_RUNS} child processes per method and format`);
  const rss = new Map<string, number[]>();
  for (let run = 0; run < RSS_RUNS; run++) {
    for (const format of formats) {
      for (const method of ['pipeline', 'processor'] as const) {
        const r = await child<{ maxRssBytes: number }>(bundle, ['--child', 'rss', method, files[format]]);
        const key = `${format}:${method}`;
        rss.set(key, [...(rss.get(key) ?? []), r.maxRssBytes]);
      }
    }
  }

  log(`HEIC: ${HEIC_SOAK_COUNT} HEICs through one processor, default recycling, then a worker per HEIC`);
  const soakArgs = ['--child', 'soak', 'recycle', String(HEIC_SOAK_COUNT), files.HEIC];
  const keep = await child<SoakReport>(bundle, soakArgs);
  const each = await child<SoakReport>(bundle, soakArgs, { SOAK_MAX_LIBHEIF_HEAP_MIB: '0' });

  const med = (format: string, method: string) => median(times.get(`${format}:${method}`) ?? []);
  const lines: string[] = [];
  lines.push('## HEIC', '');
  lines.push(
    `The ${HEIC_PHOTO.width}x${HEIC_PHOTO.height} baseline photo of the speed table as JPEG and as HEIC ` +
      `(Debian's heif-enc, libheif's default quality; libheif-js ${versionOf('libheif-js')} decodes it). ` +
      'decode: for the JPEG as above; for the HEIC libheif-js alone, to full-size RGB (no shrink-on-load exists for HEVC). ' +
      'pipeline: the full preset set in-process; processor: the same through WasmVipsImageProcessor. ' +
      `Medians of ${ITERATIONS} runs; peak RSS as above (a fresh process rendering the photo twice).`,
    '',
  );
  lines.push(
    '| photo | size | decode ms | pipeline ms | processor ms | peak RSS MiB pipeline / processor |',
    '| --- | --- | --- | --- | --- | --- |',
  );
  for (const format of formats) {
    lines.push(
      `| ${HEIC_PHOTO.name} ${format} | ${(bytes[format].length / 1024 / 1024).toFixed(1)} MB | ` +
        `${med(format, decodeOf[format]).toFixed(0)} | ${med(format, 'pipeline').toFixed(0)} | ` +
        `${med(format, 'processor').toFixed(0)} | ` +
        `${['pipeline', 'processor'].map((m) => mb(median(rss.get(`${format}:${m}`) ?? []))).join(' / ')} |`,
    );
  }
  lines.push('');
  const soakLine = (title: string, r: SoakReport) =>
    `| ${title} | ${((r.seconds * 1000) / r.count).toFixed(0)} | ${r.workersStarted} | ${r.maxRssMb} | ${r.failures} |`;
  lines.push(
    `${HEIC_SOAK_COUNT} HEICs in a row through one processor:`,
    '',
    '| recycling | ms/image | workers started | peak RSS MiB | failures |',
    '| --- | --- | --- | --- | --- |',
    soakLine('defaults', keep),
    soakLine('a worker per HEIC (maxLibheifHeapBytes 0)', each),
    '',
  );
  return lines;
}

async function main(): Promise<void> {
  const benchStarted = performance.now();
  const log = (s: string) =>
    console.error(`[${((performance.now() - benchStarted) / 1000).toFixed(0)}s] ${s}`);

  if (HEIC_ONLY) {
    log('bundling the benchmark for its child processes');
    console.log((await heicPart(log, await buildChildBundle())).join('\n'));
    return;
  }
  if (TARGETS_ONLY) {
    const { lines, targets } = await targetsPart(log);
    console.log(lines.join('\n'));
    console.log(targetSummary(targets));
    return;
  }

  log(`generating photos (cached in ${CACHE})`);
  const speedFiles = await Promise.all(SPEED_PHOTOS.map(photoFile));
  const soakFiles = await Promise.all(SOAK_PHOTOS.map(photoFile));
  // The HEIC part runs last; its photo is made first, so a missing heif-enc fails now.
  await heicFile(HEIC_PHOTO);
  const speedBytes = await Promise.all(speedFiles.map(async (f) => new Uint8Array(await readFile(f))));

  log('speed: warming up');
  const runners = new Map<Method, Awaited<ReturnType<typeof makeRunner>>>();
  for (const m of SPEED_METHODS) runners.set(m, await makeRunner(m));
  const initMs = vipsInitMs;
  const { WasmVipsImageProcessor, wasmVipsProcessorDefaults } = await import(
    '../src/adapters/image/wasm-vips-image-processor.js'
  );
  const probeProcessor = new WasmVipsImageProcessor();
  const spawnStarted = performance.now();
  await probeProcessor.probe(speedBytes[0] as Uint8Array);
  const workerFirstJobMs = performance.now() - spawnStarted;
  const workerInitMs = probeProcessor.stats().lastInitMs;
  await probeProcessor.close();
  for (const m of SPEED_METHODS) await runners.get(m)?.run(speedBytes[0] as Uint8Array);

  const times = new Map<string, number[]>();
  for (let it = 0; it < ITERATIONS; it++) {
    log(`speed: iteration ${it + 1}/${ITERATIONS}`);
    for (const [pi, bytes] of speedBytes.entries()) {
      // Rotate the order so no method always runs first (warm caches, turbo states).
      const order = SPEED_METHODS.map(
        (_, k) => SPEED_METHODS[(k + it + pi) % SPEED_METHODS.length] as Method,
      );
      for (const m of order) {
        const t = performance.now();
        const self = await runners.get(m)?.run(bytes);
        const key = `${pi}:${m}`;
        times.set(key, [...(times.get(key) ?? []), typeof self === 'number' ? self : performance.now() - t]);
      }
    }
  }
  for (const r of runners.values()) await r.close();

  const targets = await targetsPart(log);

  log('bundling the benchmark for its child processes');
  const bundle = await buildChildBundle();

  log(`peak RSS: ${RSS_RUNS} child processes per method and photo`);
  const rss = new Map<string, number[]>();
  for (let run = 0; run < RSS_RUNS; run++) {
    for (const [pi, file] of speedFiles.entries()) {
      for (const m of METHODS) {
        const r = await child<{ maxRssBytes: number }>(bundle, ['--child', 'rss', m, file]);
        const key = `${pi}:${m}`;
        rss.set(key, [...(rss.get(key) ?? []), r.maxRssBytes]);
      }
    }
  }

  log(`soak: ${SOAK_COUNT} preset sets with recycling`);
  const soak = await child<SoakReport>(bundle, [
    '--child',
    'soak',
    'recycle',
    String(SOAK_COUNT),
    ...soakFiles,
  ]);
  log(`soak: ${SOAK_NO_RECYCLE_COUNT} preset sets without recycling`);
  const noRecycle = await child<SoakReport>(bundle, [
    '--child',
    'soak',
    'no-recycle',
    String(SOAK_NO_RECYCLE_COUNT),
    ...soakFiles,
  ]);

  const totalSeconds = (performance.now() - benchStarted) / 1000;
  const lines: string[] = [];
  lines.push('# Image benchmark', '');
  lines.push(
    `Generated by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${(await import('node:os')).cpus().length} cores, wasm-vips ${versionOf('wasm-vips')}, sharp ${versionOf('sharp')}. ` +
      `Default presets (thumb 256 cover, preview 1024 inside, large 2048 inside), WebP q80 at efforts ` +
      `${(await import('../src/domain/presets.js')).defaultRenditionSettings.presets.map((p) => p.effort ?? LIBVIPS_EFFORT).join(', ')}, single threaded. ` +
      `Medians of ${ITERATIONS} interleaved runs. Peak RSS is the median over ${RSS_RUNS} fresh processes of VmHWM, each running the method twice, ` +
      `on this file bundled by esbuild as Lambda runs it (the processor's includes its worker thread). ` +
      `Whole bench took ${(totalSeconds / 60).toFixed(1)} min.`,
    '',
  );
  lines.push(
    `wasm-vips init: ${initMs.toFixed(0)} ms in-process; ${workerInitMs.toFixed(0)} ms inside a worker, ` +
      `${workerFirstJobMs.toFixed(0)} ms from a cold processor to its first probe (worker start under tsx included).`,
    '',
  );
  lines.push(...targets.lines);
  lines.push('## Speed and peak RSS', '');
  lines.push(
    "decode: the pipeline's decode alone (shrink-on-load to the largest preset, in memory). " +
      'encode: only the three WebP encodes, from renditions already in memory: the same work on every path. ' +
      'The last ratio leaves that shared encoding out: (pipeline - encode) / (per-preset - encode).',
    '',
  );
  lines.push(
    '| photo | JPEG | pipeline ms | processor ms | per-preset ms | sharp ms | decode ms | encode ms | pipeline / sharp | pipeline / per-preset | peak RSS MiB pipeline / processor / per-preset / sharp | pipeline / per-preset without encoding |',
  );
  lines.push('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [pi, p] of SPEED_PHOTOS.entries()) {
    const med = (m: Method) => median(times.get(`${pi}:${m}`) ?? []);
    const size = speedBytes[pi]?.length ?? 0;
    lines.push(
      `| ${p.name} (${p.width}x${p.height}) | ${(size / 1024 / 1024).toFixed(1)} MB | ${med('pipeline').toFixed(0)} | ` +
        `${med('processor').toFixed(0)} | ${med('per-preset').toFixed(0)} | ${med('sharp').toFixed(0)} | ` +
        `${med('decode').toFixed(0)} | ${med('encode').toFixed(0)} | ` +
        `${(med('pipeline') / med('sharp')).toFixed(2)} | ${(med('pipeline') / med('per-preset')).toFixed(2)} | ` +
        `${METHODS.map((m) => mb(median(rss.get(`${pi}:${m}`) ?? []))).join(' / ')} | ` +
        `${((med('pipeline') - med('encode')) / (med('per-preset') - med('encode'))).toFixed(2)} |`,
    );
  }
  lines.push('');
  const soakSection = (title: string, r: SoakReport) => {
    lines.push(`## ${title}`, '');
    lines.push(
      `${r.count} preset sets over ${SOAK_PHOTOS.map((p) => `${p.width}x${p.height}`).join(', ')} JPEGs in ` +
        `${r.seconds.toFixed(0)} s: ${(r.count / r.seconds).toFixed(2)} images/s, ${((r.seconds * 1000) / r.count).toFixed(0)} ms/image, ` +
        `${r.failures} failures${r.firstError ? ` (first: ${r.firstError})` : ''}, ` +
        `${r.workersStarted} workers started, ${r.workersLost} lost, peak RSS ${r.maxRssMb} MiB.`,
      '',
    );
    lines.push('| images | RSS MiB | worker heap MiB | workers started |', '| --- | --- | --- | --- |');
    for (const s of r.samples) lines.push(`| ${s.images} | ${s.rssMb} | ${s.heapMb} | ${s.workersStarted} |`);
    lines.push('');
  };
  const { maxImagesPerWorker, maxHeapBytes } = { ...wasmVipsProcessorDefaults, ...soakRecycling() };
  soakSection(
    `Soak with recycling (${Object.keys(soakRecycling()).length ? 'set by SOAK_*' : 'defaults'}: ${maxImagesPerWorker} images or ${mb(maxHeapBytes)} MiB heap per worker)`,
    soak,
  );
  soakSection('Soak with recycling off (replaced only when a worker is lost)', noRecycle);
  const msPerImage = (r: SoakReport) => (r.seconds * 1000) / r.count;
  lines.push(
    `Cost of recycling: ${((msPerImage(soak) / msPerImage(noRecycle) - 1) * 100).toFixed(1)}% more time per image ` +
      `than with one worker for all (${msPerImage(soak).toFixed(0)} vs ${msPerImage(noRecycle).toFixed(0)} ms).`,
    '',
  );
  // A HEIC the pipeline cannot read (heif-enc 1.15's grids decode taller than
  // their header says in libheif-js 1.23) must not cost the rest of the report.
  try {
    lines.push(...(await heicPart(log, bundle)));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    log(`HEIC part failed: ${message}`);
    lines.push('## HEIC', '', `Not measured: the HEIC part failed (${message}).`, '');
  }

  const report = lines.join('\n');
  await mkdir(join(RESULTS, '..'), { recursive: true });
  await writeFile(RESULTS, report);
  console.log(report);
  console.log(targetSummary(targets.targets));
}

const [flag, mode, ...rest] = process.argv.slice(2);
if (flag === '--child' && mode === 'rss') await childRss(rest[0] as Method, rest[1] as string);
else if (flag === '--child' && mode === 'soak')
  await childSoak(rest[0] as 'recycle' | 'no-recycle', Number(rest[1]), rest.slice(2));
else await main();
