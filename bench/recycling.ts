/**
 * What replacing the image worker costs, side by side: `npm run bench:recycling`.
 *
 * The soak in `npm run bench` runs the processor with recycling and then without,
 * one after the other, so the load of a shared machine moves the ratio between
 * them (4.5% in one run, 48% in another). Here one process holds one
 * WasmVipsImageProcessor per heap threshold, each with its own worker thread, and
 * hands each image to all of them in turn, the order rotated every image, so
 * every threshold meets the same load. The photos are the soak's (12-24 MP
 * JPEGs, made by test/support/images.ts and cached in the bench's folder), with
 * the default presets; `maxImagesPerWorker` stays at its default.
 *
 * RECYCLING_COUNT (default 120) images per threshold. Writes
 * bench/results/recycling.md and prints it.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  WasmVipsImageProcessor,
  wasmVipsProcessorDefaults,
} from '../src/adapters/image/wasm-vips-image-processor.js';
import { defaultRenditionSettings } from '../src/domain/presets.js';

const RESULTS = fileURLToPath(new URL('results/recycling.md', import.meta.url));
const CACHE = join(tmpdir(), 'pixport-bench-photos');
const COUNT = Number(process.env.RECYCLING_COUNT ?? 120);
const MiB = 1024 * 1024;

/** The soak's photos of bench/images.ts, under the same cached names. */
const PHOTOS = [
  { name: '12MP-baseline-2', width: 4000, height: 3000, progressive: false, seed: 2 },
  { name: '16MP-progressive-3', width: 4608, height: 3456, progressive: true, seed: 3 },
  { name: '20MP-baseline-4', width: 5184, height: 3888, progressive: false, seed: 4 },
  { name: '24MP-progressive-5', width: 6000, height: 4000, progressive: true, seed: 5 },
] as const;

/** Heap thresholds compared; the last has none, its worker replaced only every `maxImagesPerWorker` images. */
const THRESHOLDS: readonly { readonly label: string; readonly maxHeapBytes: number }[] = [
  {
    label: '256 MiB (the heap wasm-vips starts with: replaced at its first growth)',
    maxHeapBytes: 256 * MiB,
  },
  { label: '384 MiB', maxHeapBytes: 384 * MiB },
  { label: 'none', maxHeapBytes: Number.POSITIVE_INFINITY },
];

async function photoBytes(p: (typeof PHOTOS)[number]): Promise<Uint8Array> {
  await mkdir(CACHE, { recursive: true });
  const file = join(CACHE, `${p.name}-${p.width}x${p.height}.jpg`);
  if (!existsSync(file)) {
    const { photoJpeg } = await import('../test/support/images.js');
    await writeFile(file, await photoJpeg(p));
  }
  return new Uint8Array(await readFile(file));
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
};
const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

async function main(): Promise<void> {
  const started = performance.now();
  const photos = await Promise.all(PHOTOS.map(photoBytes));
  const processors = THRESHOLDS.map((t) => new WasmVipsImageProcessor({ maxHeapBytes: t.maxHeapBytes }));
  const times: number[][] = THRESHOLDS.map(() => []);
  try {
    for (let i = 0; i < COUNT; i++) {
      for (let k = 0; k < THRESHOLDS.length; k++) {
        const j = (i + k) % THRESHOLDS.length;
        const t = performance.now();
        const r = await (processors[j] as WasmVipsImageProcessor).render(
          photos[i % photos.length] as Uint8Array,
          defaultRenditionSettings,
          { maxPixels: 50_000_000 },
        );
        if (!r.ok) throw r.error;
        (times[j] as number[]).push(performance.now() - t);
      }
      if ((i + 1) % 20 === 0) console.error(`${i + 1} / ${COUNT} images each`);
    }
  } finally {
    await Promise.all(processors.map((p) => p.close()));
  }
  const none = mean(times.at(-1) as number[]);
  const defaultHeap = wasmVipsProcessorDefaults.maxHeapBytes;
  const rows = THRESHOLDS.map((t, j) => {
    const ts = times[j] as number[];
    const stats = (processors[j] as WasmVipsImageProcessor).stats();
    const mark = t.maxHeapBytes === defaultHeap ? ' (the default)' : '';
    return `| ${t.label}${mark} | ${stats.workersStarted} | ${mean(ts).toFixed(0)} | ${median(ts).toFixed(0)} | ${(mean(ts) / none).toFixed(3)} |`;
  });
  const report = [
    '# bench:recycling',
    '',
    `\`npm run bench:recycling\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} cores; ` +
      `${COUNT} full preset sets (the defaults) per heap threshold over ${PHOTOS.map((p) => `${p.width}x${p.height}`).join(', ')} JPEGs, ` +
      `one processor per threshold in one process, each image handed to every processor in turn (order rotated each image). ` +
      `maxImagesPerWorker ${wasmVipsProcessorDefaults.maxImagesPerWorker} for all. ` +
      `Whole run ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' / ')}.`,
    '',
    '| heap threshold | workers started | mean ms per image | median ms | mean / none |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
    'The mean carries the restarts: a replaced worker starts a thread and wasm-vips in it, and its first render starts libvips threads and compiles what it runs (docs/design-notes.md, "Cold starts"). Peak RSS is not separable here (the processors share one process); the soak in bench/results/images.md gives it: one worker for all, heap 380 MiB, peak RSS 554 MiB.',
    '',
  ].join('\n');
  await writeFile(RESULTS, report);
  console.log(report);
}

await main();
