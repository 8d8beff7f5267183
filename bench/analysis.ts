/**
 * Local analyser benchmark: `npm run bench:analysis` (tsx bench/analysis.ts).
 *
 * Loads LocalImageAnalyzer (CenterNet from @vladmandic/human and nsfwjs's MobileNetV2 on
 * TensorFlow.js's wasm backend, wasm-vips to decode) in this process and reports:
 *
 * 1. Load time: `load()`, from nothing to both models and the decoder ready (the import
 *    of the adapter's modules, itself timed apart, comes before it).
 * 2. Per photo: each photo made into what the analysis job hands an analyser (a JPEG of
 *    at most 1024 px a side at q85, ANALYSIS_RENDITION, made here with sharp), its first
 *    analysis, then the median of BENCH_ITERATIONS more (default 5); and what it got:
 *    the labels the use case keeps (70 and over), the others reported (50-70), the
 *    moderation labels and the default policy's verdict.
 * 3. Peak RSS: the maximum resident set (process.resourceUsage().maxRSS) of the process
 *    that did 1 and 2. That process is a child started for the purpose, given the JPEGs
 *    ready-made, so sharp (which makes them) is not in its figure; it runs under tsx, as
 *    the dev server does under `npm run dev`, and its RSS before the adapter's import is
 *    reported as the baseline.
 *
 * The photos are test/fixtures/photos/*.jpg, plus every JPEG or PNG in ANALYSIS_PHOTOS
 * (a directory) when set: Debian's wallpapers make a good larger set, for example
 *   apt-get download lomiri-wallpapers-16.04 && dpkg -x lomiri-wallpapers-16.04_*.deb /tmp/wp
 *   ANALYSIS_PHOTOS=/tmp/wp/usr/share/backgrounds npm run bench:analysis
 *
 * Prints a markdown report.
 */
import { spawn } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANALYSIS_RENDITION } from '../src/application/use-cases/analyze-media.js';
import { type ImageAnalysis as Analysis, ImageAnalysis } from '../src/domain/image-analysis.js';
import { defaultModerationPolicy, ModerationPolicy } from '../src/domain/moderation-policy.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = resolve(SELF, '../..');
const WORK = join(tmpdir(), 'pixport-bench-analysis');
const FIXTURES = join(ROOT, 'test/fixtures/photos');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 5);
const EXTRA = process.env.ANALYSIS_PHOTOS;
const KEPT_FROM = 70;

const versionOf = async (name: string): Promise<string> =>
  JSON.parse(await readFile(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')).version;

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(0);

async function photosIn(dir: string): Promise<string[]> {
  const names = (await readdir(dir)).filter((name) => /\.(jpe?g|png)$/i.test(name)).sort();
  return names.map((name) => join(dir, name));
}

/** The photo as the analysis job would hand it over: at most 1024 px a side, JPEG q85. */
async function analysisJpeg(file: string): Promise<{ bytes: Uint8Array; size: string }> {
  const { default: sharp } = await import('sharp');
  const [preset] = ANALYSIS_RENDITION.presets;
  const { data, info } = await sharp(file)
    .rotate()
    .resize(preset?.width ?? 1024, preset?.height ?? 1024, { fit: 'inside', withoutEnlargement: true })
    .jpeg({ quality: ANALYSIS_RENDITION.quality })
    .toBuffer({ resolveWithObject: true });
  return { bytes: new Uint8Array(data), size: `${info.width}x${info.height}` };
}

/** What the measuring child reports. */
interface Measured {
  readonly importMs: number;
  readonly loadMs: number;
  readonly modelVersion: string;
  readonly rssAtStart: number;
  readonly rssLoaded: number;
  readonly peakRss: number;
  readonly photos: readonly {
    readonly file: string;
    readonly firstMs: number;
    readonly medianMs: number;
    readonly analysis?: Analysis;
    readonly refused?: string;
  }[];
}

/** The child: loads the analyser, analyses every JPEG in `dir`, prints {@link Measured} as JSON. */
async function measure(dir: string): Promise<void> {
  const rssAtStart = process.memoryUsage.rss();
  const imported = performance.now();
  const { LocalImageAnalyzer } = await import('../src/adapters/local-analysis/local-image-analyzer.js');
  const importMs = performance.now() - imported;
  const analyzer = new LocalImageAnalyzer();
  const { loadMs, modelVersion } = await analyzer.load();
  const rssLoaded = process.memoryUsage.rss();
  const photos: Measured['photos'][number][] = [];
  for (const file of await photosIn(dir)) {
    const image = { key: file, bytes: await readFile(file), contentType: 'image/jpeg' as const };
    const first = performance.now();
    const result = await analyzer.analyze(image);
    const firstMs = performance.now() - first;
    const times: number[] = [];
    for (let i = 0; i < ITERATIONS; i++) {
      const started = performance.now();
      await analyzer.analyze(image);
      times.push(performance.now() - started);
    }
    photos.push({
      file: basename(file),
      firstMs,
      medianMs: median(times),
      ...(result.ok ? { analysis: result.value } : { refused: result.error.message }),
    });
  }
  await analyzer.close();
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const measured: Measured = { importMs, loadMs, modelVersion, rssAtStart, rssLoaded, peakRss, photos };
  process.stdout.write(JSON.stringify(measured));
}

function runChild(dir: string): Promise<Measured> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SELF, '--measure', dir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', fail);
    child.on('exit', (code) =>
      code === 0
        ? done(JSON.parse(out) as Measured)
        : fail(new Error(`the measuring child exited with ${code}`)),
    );
  });
}

const describeLabels = (analysis: Analysis): { kept: string; others: string } => {
  const kept = ImageAnalysis.topLabels(analysis.labels, KEPT_FROM);
  const keptNames = new Set(kept.map((l) => l.name));
  const others = analysis.labels.filter((l) => !keptNames.has(l.name));
  const list = (labels: readonly { name: string; confidence: number }[]) =>
    labels.map((l) => `${l.name} ${l.confidence.toFixed(1)}`).join(', ') || '-';
  return { kept: list(kept), others: list(others) };
};

async function main(): Promise<void> {
  const files = [...(await photosIn(FIXTURES)), ...(EXTRA ? await photosIn(EXTRA) : [])];
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const sizes = new Map<string, string>();
  for (const [i, file] of files.entries()) {
    const { bytes, size } = await analysisJpeg(file);
    const name = `${String(i).padStart(3, '0')}-${basename(file).replace(/\.[^.]+$/, '')}.jpg`;
    await writeFile(join(WORK, name), bytes);
    sizes.set(name, size);
  }
  const load = loadavg()[0] ?? 0;
  const m = await runChild(WORK);

  const rows = m.photos.map((p) => {
    const name = p.file.replace(/^\d{3}-/, '');
    const times = `${p.firstMs.toFixed(0)} / ${p.medianMs.toFixed(0)}`;
    if (!p.analysis) return `| ${name} | ${sizes.get(p.file)} | ${times} | refused: ${p.refused} | | | |`;
    const { kept, others } = describeLabels(p.analysis);
    const moderation =
      p.analysis.moderation.labels.map((l) => `${l.name} ${l.confidence.toFixed(1)}`).join(', ') || '-';
    const verdict = ModerationPolicy.judge(defaultModerationPolicy, p.analysis.moderation).verdict;
    return `| ${name} | ${sizes.get(p.file)} | ${times} | ${kept} | ${others} | ${moderation} | ${verdict} |`;
  });
  const cpu = cpus();
  const lines = [
    '# Local analyser benchmark',
    '',
    `\`npm run bench:analysis\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${cpu.length} × ${cpu[0]?.model.trim() ?? 'CPU'} (load average ${load.toFixed(1)} at the start); ` +
      `@vladmandic/human ${await versionOf('@vladmandic/human')} (CenterNet), nsfwjs ${await versionOf('nsfwjs')} ` +
      `(${m.modelVersion}), @tensorflow/tfjs-backend-wasm ${await versionOf('@tensorflow/tfjs-backend-wasm')}, ` +
      `wasm-vips ${await versionOf('wasm-vips')}. One process under tsx, one analysis at a time.`,
    '',
    '| what | figure |',
    '| --- | --- |',
    `| import of the adapter's modules (tfjs, nsfwjs, wasm-vips) | ${m.importMs.toFixed(0)} ms |`,
    `| load(): wasm backend, both models, wasm-vips | ${m.loadMs.toFixed(0)} ms |`,
    `| per photo: median of the photos' medians (${ITERATIONS} runs each) | ${median(m.photos.map((p) => p.medianMs)).toFixed(0)} ms |`,
    `| RSS before the import (node + tsx) / with the models loaded | ${mib(m.rssAtStart)} / ${mib(m.rssLoaded)} MiB |`,
    `| peak RSS (maxRSS) | ${mib(m.peakRss)} MiB |`,
    '',
    `Per photo: the first analysis / the median of ${ITERATIONS} more, in ms. "Kept" is what the use case ` +
      `keeps (${KEPT_FROM} and over); "others" were reported (50 and over) and are dropped by it.`,
    '',
    '| photo | analysed at | ms | kept | others | moderation | verdict |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
  console.log(lines.join('\n'));
}

if (process.argv[2] === '--measure' && process.argv[3]) await measure(process.argv[3]);
else await main();
