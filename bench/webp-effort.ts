/**
 * WebP effort on real photographs: `npm run bench:webp` (tsx bench/webp-effort.ts).
 *
 * The photographs of Debian's wallpaper packages (bench/debian-wallpapers.ts
 * fetches them) are cut to each default preset's size, as the pipeline cuts
 * them (shrink-on-load, a centred crop for `cover`), and each rendition is
 * encoded by wasm-vips' WebP encoder at effort 0-6:
 *
 * 1. at q80, the default quality;
 * 2. at the quality that matches effort 4's size: for each preset and effort,
 *    the whole q such that the set's bytes bracket effort 4's at q80 (q and
 *    q+1 straddle it); the score at exactly equal bytes is interpolated
 *    between the two;
 * 3. effort 4 at q70 and q90 too, so a score difference can be read as
 *    quality steps.
 *
 * Each encode is decoded again and scored by SSIM over luma against the
 * rendition before encoding (bench/luma-ssim.ts: no perceptual-metric
 * package is installed). Encode times are medians of BENCH_ITERATIONS
 * (default 3) runs per rendition and setting, all settings of a rendition
 * interleaved in rotated order in one process, single threaded, so the
 * machine's noise falls on all alike; the tables give sums of those medians
 * over the photos and ratios to effort 4 at q80.
 *
 * WEBP_PHOTOS=n takes the first n photos only, for a quick look.
 * Writes bench/results/webp-effort.md and prints it.
 */
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultRenditionSettings, type Preset } from '../src/domain/presets.js';
import { debianWallpaperPhotos, type WallpaperPhoto } from './debian-wallpapers.js';
import { LumaSsim } from './luma-ssim.js';

const SELF = fileURLToPath(import.meta.url);
const RESULTS = join(SELF, '..', 'results', 'webp-effort.md');
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 3);
const PHOTO_LIMIT = Number(process.env.WEBP_PHOTOS ?? Number.POSITIVE_INFINITY);
const EFFORTS = [0, 1, 2, 3, 4, 5, 6] as const;
const BASE_EFFORT = 4;
const BASE_Q = 80;
/** Effort 4's extra qualities, whose scores give the worth of one quality step. */
const SLOPE_QS = [70, 90] as const;
const PRESETS = defaultRenditionSettings.presets;

const versionOf = (name: string): string =>
  JSON.parse(
    readFileSync(fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url)), 'utf8'),
  ).version;

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};
const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const mean = (xs: readonly number[]): number => sum(xs) / xs.length;

/** One preset's rendition of one photo: the 8-bit sRGB pixels before encoding. */
interface Rendition {
  readonly width: number;
  readonly height: number;
  readonly bands: number;
  readonly pixels: Uint8Array;
}

/** What one encode setting gave one rendition. */
interface Scored {
  readonly bytes: number;
  readonly ssim: number;
}

type Vips = Awaited<ReturnType<typeof loadVips>>;

async function loadVips() {
  const { default: Vips } = await import('wasm-vips');
  const { configureVips } = await import('../src/adapters/image/wasm-vips-pipeline.js');
  const vips = await Vips({
    preRun: [
      (m: { ENV: Record<string, string> }) => {
        m.ENV.VIPS_WARNING = '0';
      },
    ],
  } as Parameters<typeof Vips>[0]);
  configureVips(vips);
  return vips;
}

/** The preset's rendition of `bytes`, cut as the pipeline cuts it, as 3-band 8-bit sRGB in memory. */
function renditionOf(vips: Vips, bytes: Uint8Array, preset: Preset): Rendition {
  const made: InstanceType<Vips['Image']>[] = [];
  const step = (image: InstanceType<Vips['Image']>) => {
    made.push(image);
    return image;
  };
  try {
    let image = step(
      vips.Image.thumbnailBuffer(bytes, preset.width, {
        height: preset.height,
        size: 'down',
        option_string: 'fail_on=error',
        ...(preset.fit === 'cover' ? { crop: 'centre' } : {}),
      }),
    );
    if (image.interpretation !== 'srgb') image = step(image.colourspace('srgb'));
    if (image.hasAlpha()) image = step(image.flatten());
    if (image.format !== 'uchar') image = step(image.cast('uchar'));
    const memory = image.writeToMemory();
    return { width: image.width, height: image.height, bands: image.bands, pixels: new Uint8Array(memory) };
  } finally {
    for (const m of made) m.delete();
  }
}

/** Encodes `image` and, when `ssim` is given, scores the decoded result against its reference. */
function encode(
  vips: Vips,
  image: InstanceType<Vips['Image']>,
  effort: number,
  q: number,
  ssim?: LumaSsim,
): Scored & { ms: number } {
  const started = performance.now();
  const webp = image.writeToBuffer('.webp', { Q: q, effort, keep: 'none' });
  const ms = performance.now() - started;
  if (!ssim) return { bytes: webp.length, ssim: Number.NaN, ms };
  const decoded = vips.Image.newFromBuffer(webp);
  try {
    return { bytes: webp.length, ssim: ssim.score(new Uint8Array(decoded.writeToMemory())), ms };
  } finally {
    decoded.delete();
  }
}

function imageOf(vips: Vips, r: Rendition) {
  return vips.Image.newFromMemory(r.pixels, r.width, r.height, r.bands, vips.BandFormat.uchar);
}

/** A setting's scores over every photo of one preset, keyed `${effort}:${q}`. */
type Scores = Map<string, Scored[]>;
const key = (effort: number, q: number) => `${effort}:${q}`;

/**
 * Encodes every photo's rendition of preset `pi` at each (effort, q) and
 * scores each; the reference's statistics are computed once per photo.
 */
function scoreAll(
  vips: Vips,
  renditions: Rendition[][],
  pi: number,
  settings: readonly (readonly [effort: number, q: number])[],
): Scored[][] {
  const out: Scored[][] = settings.map(() => []);
  for (const perPreset of renditions) {
    const r = perPreset[pi] as Rendition;
    const image = imageOf(vips, r);
    const ssim = new LumaSsim(r.pixels, r.width, r.height, r.bands);
    try {
      for (const [i, [effort, q]] of settings.entries()) {
        const { bytes, ssim: score } = encode(vips, image, effort, q, ssim);
        out[i]?.push({ bytes, ssim: score });
      }
    } finally {
      image.delete();
    }
  }
  return out;
}

/**
 * The whole quality q at which `effort` makes the preset's set about as big as
 * `target` bytes: q's total is at most the target and q+1's above it (or the
 * ends of 1-100). Starts from the line through q80 and the nearest known
 * point, then steps one at a time; every total it needs is computed once and
 * kept in `scores`.
 */
function matchQuality(
  vips: Vips,
  renditions: Rendition[][],
  pi: number,
  effort: number,
  target: number,
  scores: Scores,
  log: (s: string) => void,
): { lo: number; hi: number } {
  const total = (q: number): number => {
    let s = scores.get(key(effort, q));
    if (!s) {
      s = scoreAll(vips, renditions, pi, [[effort, q]])[0] ?? [];
      scores.set(key(effort, q), s);
      log(`  ${PRESETS[pi]?.name} effort ${effort} q${q}: ${sum(s.map((x) => x.bytes))} bytes`);
    }
    return sum(s.map((x) => x.bytes));
  };
  const at80 = total(BASE_Q);
  // Effort 4's slope around q80 is a fair first guess for every effort's.
  const b70 = sum((scores.get(key(BASE_EFFORT, 70)) ?? []).map((x) => x.bytes));
  const b90 = sum((scores.get(key(BASE_EFFORT, 90)) ?? []).map((x) => x.bytes));
  const perStep = Math.log(b90 / b70) / 20;
  let q = Math.round(BASE_Q + Math.log(target / at80) / perStep);
  q = Math.min(100, Math.max(1, q));
  while (q > 1 && total(q) > target) q--;
  while (q < 100 && total(q + 1) <= target) q++;
  return { lo: q, hi: Math.min(100, q + 1) };
}

interface PresetResult {
  readonly preset: Preset;
  /** Per effort: the matched qualities and the interpolated score at equal bytes. */
  readonly matched: Map<number, { lo: number; hi: number; q: number; ssimAtEqualBytes: number }>;
  readonly scores: Scores;
  /** Median encode ms per photo, keyed `${effort}:${q}`. */
  readonly ms: Map<string, number[]>;
}

async function main(): Promise<void> {
  const started = performance.now();
  const log = (s: string) => console.error(`[${((performance.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const photos: WallpaperPhoto[] = (await debianWallpaperPhotos(log)).slice(0, PHOTO_LIMIT);
  const vips = await loadVips();

  log(`cutting ${photos.length} photos to ${PRESETS.map((p) => p.name).join(', ')}`);
  const sources: { photo: WallpaperPhoto; width: number; height: number; jpegBytes: number }[] = [];
  const renditions: Rendition[][] = [];
  for (const photo of photos) {
    const bytes = new Uint8Array(await readFile(photo.file));
    const header = vips.Image.newFromBuffer(bytes, '', { access: 'sequential' });
    sources.push({ photo, width: header.width, height: header.height, jpegBytes: bytes.length });
    header.delete();
    renditions.push(PRESETS.map((p) => renditionOf(vips, bytes, p)));
  }

  const results: PresetResult[] = [];
  for (const [pi, preset] of PRESETS.entries()) {
    const scores: Scores = new Map();
    log(`${preset.name}: efforts 0-6 at q${BASE_Q}, effort ${BASE_EFFORT} at q${SLOPE_QS.join(' and q')}`);
    const first = [
      ...EFFORTS.map((e) => [e, BASE_Q] as const),
      ...SLOPE_QS.map((q) => [BASE_EFFORT, q] as const),
    ];
    const firstScores = scoreAll(vips, renditions, pi, first);
    for (const [i, [effort, q]] of first.entries()) scores.set(key(effort, q), firstScores[i] ?? []);
    const target = sum((scores.get(key(BASE_EFFORT, BASE_Q)) ?? []).map((x) => x.bytes));
    log(`${preset.name}: qualities matching effort ${BASE_EFFORT}'s ${target} bytes`);
    const matched: PresetResult['matched'] = new Map();
    for (const effort of EFFORTS) {
      if (effort === BASE_EFFORT) {
        const s = mean((scores.get(key(effort, BASE_Q)) ?? []).map((x) => x.ssim));
        matched.set(effort, { lo: BASE_Q, hi: BASE_Q, q: BASE_Q, ssimAtEqualBytes: s });
        continue;
      }
      const { lo, hi } = matchQuality(vips, renditions, pi, effort, target, scores, log);
      const at = (q: number) => scores.get(key(effort, q)) ?? [];
      const [bLo, bHi] = [sum(at(lo).map((x) => x.bytes)), sum(at(hi).map((x) => x.bytes))];
      const [sLo, sHi] = [mean(at(lo).map((x) => x.ssim)), mean(at(hi).map((x) => x.ssim))];
      const t = bHi === bLo ? 0 : Math.min(1, Math.max(0, (target - bLo) / (bHi - bLo)));
      const q = Math.abs(bLo - target) <= Math.abs(bHi - target) ? lo : hi;
      matched.set(effort, { lo, hi, q, ssimAtEqualBytes: sLo + t * (sHi - sLo) });
    }
    results.push({ preset, matched, scores, ms: new Map() });
  }

  // Speed last, every setting of a rendition interleaved, so one busy moment hits all.
  log(`encode times: ${ITERATIONS} interleaved runs of every setting per rendition`);
  for (const [ri, perPreset] of renditions.entries()) {
    log(`  ${sources[ri]?.photo.name}`);
    for (const [pi, result] of results.entries()) {
      const settings = [
        ...EFFORTS.map((e) => [e, BASE_Q] as const),
        ...EFFORTS.filter((e) => e !== BASE_EFFORT).map(
          (e) => [e, result.matched.get(e)?.q ?? BASE_Q] as const,
        ),
      ].filter((s, i, all) => all.findIndex((o) => o[0] === s[0] && o[1] === s[1]) === i);
      const image = imageOf(vips, perPreset[pi] as Rendition);
      const times = new Map<string, number[]>();
      try {
        encode(vips, image, BASE_EFFORT, BASE_Q); // warm-up
        for (let it = 0; it < ITERATIONS; it++) {
          for (let k = 0; k < settings.length; k++) {
            const [effort, q] = settings[(k + it + ri) % settings.length] as readonly [number, number];
            const { ms } = encode(vips, image, effort, q);
            times.set(key(effort, q), [...(times.get(key(effort, q)) ?? []), ms]);
          }
        }
      } finally {
        image.delete();
      }
      for (const [k, t] of times) result.ms.set(k, [...(result.ms.get(k) ?? []), median(t)]);
    }
  }

  const report = render(sources, results, (performance.now() - started) / 1000);
  await mkdir(join(RESULTS, '..'), { recursive: true });
  await writeFile(RESULTS, report);
  console.log(report);
}

function render(
  sources: { photo: WallpaperPhoto; width: number; height: number; jpegBytes: number }[],
  results: PresetResult[],
  seconds: number,
): string {
  const lines: string[] = [];
  const pct = (r: number) => `${r >= 1 ? '+' : ''}${((r - 1) * 100).toFixed(1)}%`;
  const kib = (b: number) => (b / 1024).toFixed(0);
  lines.push('# WebP effort on real photographs', '');
  lines.push(
    `Generated by \`npm run bench:webp\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ` +
      `${cpus().length} cores, wasm-vips ${versionOf('wasm-vips')}, single threaded. ` +
      `${sources.length} photographs from Debian's wallpaper packages ` +
      `(${[...new Set(sources.map((s) => `${s.photo.pkg} ${s.photo.version}`))].join(', ')}), ` +
      `each cut to the default presets as the pipeline cuts them and encoded by libvips' WebP encoder. ` +
      `Encode ms: sums over the photos of each rendition's median of ${ITERATIONS} interleaved runs. ` +
      `Whole run took ${(seconds / 60).toFixed(1)} min.`,
    '',
  );
  lines.push(
    'Metric: mean SSIM over luma (Wang et al. 2004: 11x11 Gaussian window, sigma 1.5, K1 0.01, K2 0.03; ' +
      'bench/luma-ssim.ts, written here because no SSIMULACRA2 or butteraugli package is installed) ' +
      'of the decoded WebP against the rendition before encoding, averaged over the photos. ' +
      '"SSIM loss" is 1 - SSIM; its change against effort 4 at q80 is the column to read, since SSIM ' +
      'itself moves little.',
    '',
  );
  for (const r of results) {
    const at = (e: number, q: number) => r.scores.get(key(e, q)) ?? [];
    const bytes = (e: number, q: number) => sum(at(e, q).map((x) => x.bytes));
    const ssim = (e: number, q: number) => mean(at(e, q).map((x) => x.ssim));
    const ms = (e: number, q: number) => sum(r.ms.get(key(e, q)) ?? []);
    const base = {
      bytes: bytes(BASE_EFFORT, BASE_Q),
      ssim: ssim(BASE_EFFORT, BASE_Q),
      ms: ms(BASE_EFFORT, BASE_Q),
    };
    const perPhotoRatio = (e: number) => {
      const rs = at(e, BASE_Q).map((x, i) => x.bytes / (at(BASE_EFFORT, BASE_Q)[i]?.bytes ?? 1));
      return `${pct(median(rs))} (${pct(Math.min(...rs))} to ${pct(Math.max(...rs))})`;
    };
    const lossStep = (1 - ssim(BASE_EFFORT, 70) - (1 - ssim(BASE_EFFORT, 90))) / 20;
    const p = r.preset;
    lines.push(`## ${p.name} (${p.width}x${p.height} ${p.fit})`, '');
    lines.push(
      `Effort ${BASE_EFFORT} at q${BASE_Q}: ${kib(base.bytes)} KiB for the set, ${base.ms.toFixed(0)} ms, ` +
        `SSIM ${base.ssim.toFixed(4)}. One quality step of effort ${BASE_EFFORT} around q80 is worth ` +
        `${(lossStep * 1e4).toFixed(2)}e-4 of SSIM loss (q70 ${ssim(BASE_EFFORT, 70).toFixed(4)}, q90 ${ssim(BASE_EFFORT, 90).toFixed(4)}).`,
      '',
    );
    lines.push(
      '| effort | q80 KiB | bytes vs e4, median photo (range) | q80 ms | ms vs e4 | q80 SSIM | SSIM loss vs e4 | in q steps | q at e4 size | its bytes vs e4 | its ms vs e4 | SSIM at e4 bytes | SSIM vs e4 at equal bytes | SSIM loss vs e4 at equal bytes |',
      '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    );
    for (const e of EFFORTS) {
      const m = r.matched.get(e);
      if (!m) continue;
      const loss = (1 - ssim(e, BASE_Q)) / (1 - base.ssim);
      lines.push(
        `| ${e} | ${kib(bytes(e, BASE_Q))} | ${perPhotoRatio(e)} | ${ms(e, BASE_Q).toFixed(0)} | ` +
          `${(ms(e, BASE_Q) / base.ms).toFixed(2)} | ${ssim(e, BASE_Q).toFixed(4)} | ${pct(loss)} | ` +
          `${((ssim(BASE_EFFORT, BASE_Q) - ssim(e, BASE_Q)) / lossStep).toFixed(1)} | ` +
          `${m.lo === m.hi ? m.q : `${m.q} (${m.lo}-${m.hi})`} | ${pct(bytes(e, m.q) / base.bytes)} | ` +
          `${(ms(e, m.q) / base.ms).toFixed(2)} | ${m.ssimAtEqualBytes.toFixed(4)} | ` +
          `${pct(m.ssimAtEqualBytes / base.ssim)} | ${pct((1 - m.ssimAtEqualBytes) / (1 - base.ssim))} |`,
      );
    }
    lines.push('');
  }
  lines.push('## Photographs', '');
  lines.push('| photo | package | size | JPEG |', '| --- | --- | --- | --- |');
  for (const s of sources) {
    lines.push(
      `| ${s.photo.name} | ${s.photo.pkg} | ${s.width}x${s.height} | ${(s.jpegBytes / 1024 / 1024).toFixed(1)} MB |`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

await main();
