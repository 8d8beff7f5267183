/**
 * The policy of WasmVipsImageProcessor: how jobs wait, when a worker thread is
 * recycled, and when a job is retried. The threads themselves are started and
 * spoken to in wasm-vips-worker-slot.ts, and the libvips work is in
 * wasm-vips-pipeline.ts. (A little over 300 lines: the measured figures behind
 * each default stay beside the default they justify.)
 *
 * Why a worker thread at all: a WebAssembly heap never shrinks, so one
 * wasm-vips instance fed photo after photo grows until libvips fails with
 * "Insufficient memory". Throwing the whole thread away frees its heap.
 *
 * - Queue: a worker runs one job at a time and the others wait in order, so
 *   a worker is only ever replaced while idle and no job is cut short by it.
 * - Recycle: a worker is replaced after `maxImagesPerWorker` renders, once
 *   wasm-vips' heap passes `maxHeapBytes` (by default 384 MiB, half as much
 *   again as it starts with) or once libheif-js's passes `maxLibheifHeapBytes`; the
 *   measurements are at {@link wasmVipsProcessorDefaults}.
 * - Retry: a worker that crashes, exits, reports a failure of its own, or has
 *   not answered within `jobTimeoutMs` is lost; its job is run once more on a
 *   fresh worker, then thrown, so the queue above retries it later. A
 *   rejection of the input (corrupt, unsupported, too large) is a result and
 *   never retried.
 * - libheif for AVIF: every thread of wasm-vips compiles its side modules
 *   again, which would slow each restart, so only a worker started for an
 *   AVIF loads wasm-vips' libheif; the magic bytes are sniffed before a worker
 *   is picked, and a worker with libheif takes every format.
 * - libheif-js for HEIC (wasm-vips' libheif has no HEVC decoder): any worker
 *   loads it the first time a HEIC reaches it, from libheif.wasm compiled once
 *   here and sent with each HEIC job. Its heap, which never shrinks either,
 *   has a threshold of its own.
 */
import type { Worker } from 'node:worker_threads';
import type {
  ImageProbe,
  ImageProcessor,
  ImageRejection,
  RenderOutput,
} from '../../application/ports/image-processor.js';
import { ContentType, type ImageFormat } from '../../domain/content-type.js';
import { UnsupportedImageError } from '../../domain/errors.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import {
  needsLibheif,
  type WorkerJob,
  type WorkerOutcome,
  type WorkerStats,
} from './wasm-vips-worker-protocol.js';
import { compiledLibheif, WorkerLostError, WorkerSlot } from './wasm-vips-worker-slot.js';

/** Options of {@link WasmVipsImageProcessor}; every one has a default. */
export interface WasmVipsImageProcessorOptions {
  /** Renders a worker may do before it is replaced. Default 50. */
  readonly maxImagesPerWorker?: number;
  /**
   * A job whose worker has not answered after this long is taken as hung: the
   * worker is ended and the job goes to a fresh one, like a job whose worker
   * crashed. Default 15 s: over 5x the slowest render measured (a 48 MP
   * progressive JPEG, 2.7 s), and short enough that a hung job and its retry
   * leave half of the worker Lambda's 60 s to the rest of its batch.
   */
  readonly jobTimeoutMs?: number;
  /**
   * Replace the worker once its WebAssembly heap has grown past this. Default
   * 384 MiB: half as much again as the 256 MiB wasm-vips starts with, about
   * where 12-24 MP photos leave it after a hundred renders.
   */
  readonly maxHeapBytes?: number;
  /**
   * Replace the worker once libheif-js's WebAssembly heap (loaded by the
   * first HEIC a worker meets) has grown past this. Default 256 MiB: a 12 MP
   * HEIC leaves it at 94 MiB and a 24 MP one at 188 MiB, where it stays
   * photo after photo, so a stream of phone photos keeps its worker; 0
   * replaces the worker after every HEIC.
   */
  readonly maxLibheifHeapBytes?: number;
  /**
   * Called each time a job is handed to a worker (attempt 1, or 2 on the retry
   * after a worker was lost). For diagnostics and for tests that kill a worker
   * mid-job to prove the job survives.
   */
  readonly onJobDispatched?: (event: { readonly worker: Worker; readonly attempt: number }) => void;
}

/** Statistics of one processor, for logs and the benchmark. */
export interface WasmVipsProcessorStats {
  /** Workers started so far (the first one included). */
  readonly workersStarted: number;
  /** Workers lost mid-job (crashed, killed, failed) and replaced. */
  readonly workersLost: number;
  /** Init time of the most recent worker's wasm-vips, in ms. */
  readonly lastInitMs: number;
  /** The current worker's last report, if one is running. */
  readonly current?: WorkerStats & { readonly images: number };
}

interface Job {
  readonly request: WorkerJob;
  readonly bytes: Uint8Array;
  /** AVIF, which only a worker started with wasm-vips' libheif can read. */
  readonly avif: boolean;
  /** HEIC or HEIF, which the worker decodes with libheif-js. */
  readonly heic: boolean;
  readonly resolve: (outcome: WorkerOutcome) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * The defaults of {@link WasmVipsImageProcessorOptions}.
 *
 * Measured on the bundled worker (bench/results/images.md, recycling.md): the
 * heap starts at 256 MiB and a fresh worker renders 12-24 MP photos inside it,
 * but as it fragments one render can grow it by 50-110 MiB, pages that stay
 * resident for good; over 120 such photos it settles at 380 MiB (peak RSS 554
 * MiB with one worker for all). Besides the heap, the process holds 165-230 MiB
 * (Node, libvips' code, the worker and its threads) that no setting changes.
 * Replacing the worker at the heap's first growth (256 MiB) kept the peak near
 * 450 MiB but did it about every 4 photos, and a fresh worker's first render
 * is its slowest by far: side by side, 1.47-1.50x the time per photo of a worker
 * never replaced for its heap; at 384 MiB, 1.005-1.016x (3-4 workers for 120
 * photos; `npm run bench:recycling`).
 * The worker Lambda has 1,769 MB and the dev server more: time is dearer.
 *
 * libheif-js's heap is capped rather than replaced at its first growth: it
 * starts at 16 MiB, grows to what the largest HEIC decoded so far needs (94
 * MiB at 12 MP, 188 MiB at 24 MP) and then stays there, photo after photo, so
 * it does not creep as wasm-vips' does. Keeping it saves a worker start per
 * HEIC: 12 MP HEICs in a row took 1434 ms each against 1727 ms with a worker
 * per HEIC (24 MP: 2465 vs 2727 ms), for a higher peak RSS (577 vs 457 MiB;
 * 24 MP: 682 vs 564 MiB).
 */
export const wasmVipsProcessorDefaults = {
  jobTimeoutMs: 15_000,
  maxImagesPerWorker: 50,
  maxHeapBytes: 384 * 1024 * 1024,
  maxLibheifHeapBytes: 256 * 1024 * 1024,
} as const satisfies WasmVipsImageProcessorOptions;
const MAX_ATTEMPTS = 2;

/**
 * ImageProcessor on wasm-vips (libvips compiled to WebAssembly), for Node and
 * Lambda. Each original is decoded once with shrink-on-load, auto-oriented,
 * converted to sRGB, and every preset is cut from that decode and encoded
 * without metadata. The work runs on a worker thread that is started on first
 * use and recycled as this file's opening comment describes. Call `close()`
 * to end the worker.
 *
 * @example
 * const images = new WasmVipsImageProcessor({ maxImagesPerWorker: 50 });
 * const r = await images.render(bytes, defaultRenditionSettings, { maxPixels: 50_000_000 });
 * await images.close();
 */
export class WasmVipsImageProcessor implements ImageProcessor {
  readonly #options: Required<Omit<WasmVipsImageProcessorOptions, 'onJobDispatched'>> &
    Pick<WasmVipsImageProcessorOptions, 'onJobDispatched'>;
  readonly #queue: Job[] = [];
  #slot: WorkerSlot | undefined;
  #draining = false;
  #closed = false;
  #workersStarted = 0;
  #workersLost = 0;
  #lastInitMs = 0;

  constructor(options: WasmVipsImageProcessorOptions = {}) {
    this.#options = {
      jobTimeoutMs: options.jobTimeoutMs ?? wasmVipsProcessorDefaults.jobTimeoutMs,
      maxImagesPerWorker: Math.max(
        1,
        options.maxImagesPerWorker ?? wasmVipsProcessorDefaults.maxImagesPerWorker,
      ),
      maxHeapBytes: options.maxHeapBytes ?? wasmVipsProcessorDefaults.maxHeapBytes,
      maxLibheifHeapBytes: options.maxLibheifHeapBytes ?? wasmVipsProcessorDefaults.maxLibheifHeapBytes,
      onJobDispatched: options.onJobDispatched,
    };
  }

  async probe(bytes: Uint8Array): Promise<Result<ImageProbe, ImageRejection>> {
    const format = sniffedFormat(bytes);
    if (!format.ok) return format;
    const outcome = await this.#submit({ op: 'probe' }, bytes, format.value);
    if (!outcome.ok) return outcome;
    return ok(outcome.value as ImageProbe);
  }

  async render(
    bytes: Uint8Array,
    settings: RenditionSettings,
    limits: { maxPixels: number },
  ): Promise<Result<RenderOutput, ImageRejection>> {
    const format = sniffedFormat(bytes);
    if (!format.ok) return format;
    const outcome = await this.#submit(
      { op: 'render', settings, limits: { maxPixels: limits.maxPixels } },
      bytes,
      format.value,
    );
    if (!outcome.ok) return outcome;
    return ok(outcome.value as RenderOutput);
  }

  /**
   * Starts the worker now rather than on the first image, and renders a synthetic
   * JPEG of `size` with `settings` on it, throwing the renditions away. A fresh
   * worker's first render is its slowest by far: libvips starts its threads (each
   * one a Node worker with its own wasm-vips instance), and V8 compiles the code it
   * runs on first call and optimises it as it gets hot, which takes a photo-sized
   * render (bench/cold.ts measures it). A caller with idle time before its first
   * image, such as the dev server before anyone uploads, pays that here instead.
   * Jobs submitted meanwhile wait for it in the queue; after a failed warm-up the
   * next job starts a fresh worker.
   *
   * @example
   * await images.warm(renditions, { width: 2048, height: 1536 });
   */
  async warm(
    settings: RenditionSettings,
    size: { readonly width: number; readonly height: number },
  ): Promise<void> {
    const outcome = await this.#submit(
      { op: 'warm', settings, width: size.width, height: size.height },
      new Uint8Array(0),
      'jpeg',
    );
    if (!outcome.ok) throw new Error(`the warm-up render was refused: ${outcome.error.message}`);
  }

  /** Where the workers stand: how many were started and lost, and the current one's size. */
  stats(): WasmVipsProcessorStats {
    const slot = this.#slot;
    return {
      workersStarted: this.#workersStarted,
      workersLost: this.#workersLost,
      lastInitMs: this.#lastInitMs,
      ...(slot ? { current: { ...slot.stats, images: slot.images } } : {}),
    };
  }

  /** Ends the worker and fails any job still queued; the processor cannot be used afterwards. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('the image processor was closed'));
    const slot = this.#slot;
    this.#slot = undefined;
    await slot?.stop();
  }

  #submit(request: WorkerJob, bytes: Uint8Array, format: ImageFormat): Promise<WorkerOutcome> {
    if (this.#closed) return Promise.reject(new Error('the image processor was closed'));
    return new Promise<WorkerOutcome>((resolve, reject) => {
      this.#queue.push({
        request,
        bytes,
        avif: format === 'avif',
        heic: request.op === 'render' && needsLibheif(format),
        resolve,
        reject,
      });
      void this.#drain();
    });
  }

  /** Runs queued jobs one after another; the only place workers are started and retired. */
  async #drain(): Promise<void> {
    if (this.#draining) return;
    this.#draining = true;
    try {
      for (let job = this.#queue.shift(); job; job = this.#queue.shift()) {
        try {
          job.resolve(await this.#runWithRetry(job));
        } catch (error) {
          job.reject(error);
        }
      }
    } finally {
      this.#draining = false;
    }
  }

  async #runWithRetry(job: Job): Promise<WorkerOutcome> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#runOnce(job, attempt);
      } catch (error) {
        if (!(error instanceof WorkerLostError)) throw error;
        this.#workersLost++;
        await this.#retire();
        if (this.#closed) throw new Error('the image processor was closed', { cause: error });
        if (attempt >= MAX_ATTEMPTS)
          throw new Error(`image job failed on ${attempt} workers`, { cause: error });
      }
    }
  }

  async #runOnce(job: Job, attempt: number): Promise<WorkerOutcome> {
    if (this.#closed) throw new Error('the image processor was closed');
    // A worker without libheif is replaced for an AVIF; one with it reads everything.
    if (!this.#slot?.usable || (job.avif && !this.#slot.avif)) {
      await this.#retire();
      this.#slot = await WorkerSlot.start({ avif: job.avif });
      this.#workersStarted++;
    }
    const slot = this.#slot;
    this.#lastInitMs = await slot.ready;
    const libheif = job.heic ? await compiledLibheif() : undefined;
    this.#options.onJobDispatched?.({ worker: slot.worker, attempt });
    const outcome = await slot.run(job.request, job.bytes, this.#options.jobTimeoutMs, libheif);
    if (job.request.op === 'render') slot.images++;
    if (
      slot.images >= this.#options.maxImagesPerWorker ||
      slot.stats.heapBytes > this.#options.maxHeapBytes ||
      slot.stats.libheifHeapBytes > this.#options.maxLibheifHeapBytes
    ) {
      // Idle now (one job at a time), so nothing is in flight on it.
      await this.#retire();
    }
    return outcome;
  }

  async #retire(): Promise<void> {
    const slot = this.#slot;
    this.#slot = undefined;
    await slot?.stop();
  }
}

/**
 * The format the magic bytes claim, which picks the worker; bytes that are no
 * accepted format need no worker to be turned away.
 */
function sniffedFormat(bytes: Uint8Array): Result<ImageFormat, UnsupportedImageError> {
  const sniffed = ContentType.sniff(bytes);
  if (sniffed.kind === 'image') return ok(sniffed.format);
  return err(new UnsupportedImageError(`${sniffed.what} is not an accepted image format`));
}
