import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type {
  ImageProbe,
  ImageProcessor,
  ImageRejection,
  RenderOutput,
} from '../../application/ports/image-processor.js';
import { ContentType, type ImageFormat } from '../../domain/content-type.js';
import { CorruptImageError, ImageTooLargeError, UnsupportedImageError } from '../../domain/errors.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, ok, type Result } from '../../domain/result.js';
import type { PipelineOutput, PipelineProbe, PipelineRejection } from './wasm-vips-pipeline.js';
import type { WorkerData, WorkerReply, WorkerRequest, WorkerStats } from './wasm-vips-worker.js';

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
   * 256 MiB, the heap wasm-vips starts with: a worker is replaced the first
   * time a render had to grow it.
   */
  readonly maxHeapBytes?: number;
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

type Request =
  | { readonly op: 'probe' }
  | { readonly op: 'render'; settings: RenditionSettings; limits: { maxPixels: number } };
type Outcome = Result<PipelineProbe | PipelineOutput, PipelineRejection>;

interface Job {
  readonly request: Request;
  readonly bytes: Uint8Array;
  /** AVIF, which only a worker with libheif can read. */
  readonly heif: boolean;
  readonly resolve: (outcome: Outcome) => void;
  readonly reject: (error: unknown) => void;
}

/** The worker went away or failed mid-job: worth one retry on a fresh worker. */
class WorkerLostError extends Error {
  override name = 'WorkerLostError';
}

// Measured on the bundled worker (bench/results/images.md): the heap starts at
// 256 MiB and a fresh worker renders 12-24 MP photos inside it, but as it
// fragments one render can grow it by 50-110 MiB, pages that stay resident for
// good. Besides the heap, the process holds 165-230 MiB (Node, libvips' code,
// the worker and its threads) that no setting changes. Letting the heap reach
// 384 MiB before a restart let a 1,000-photo soak peak at 615 MiB; restarting
// at its first growth (about every 4 photos, 0.15-0.3 s each, 4.5% of the
// soak's time) let it peak at 452 MiB.
export const wasmVipsProcessorDefaults = {
  jobTimeoutMs: 15_000,
  maxImagesPerWorker: 50,
  maxHeapBytes: 256 * 1024 * 1024,
} as const satisfies WasmVipsImageProcessorOptions;
const MAX_ATTEMPTS = 2;

/**
 * Starts the worker script: the `.js` beside this module once bundled or
 * compiled, or the `.ts` source under tsx (dev server, tests, bench). Node 20
 * does not apply `--import tsx` from a worker's execArgv, so the source is
 * loaded through tsx's `tsImport` from a small eval'd bootstrap instead.
 */
function startWorker(workerData: WorkerData): Worker {
  const js = new URL('./wasm-vips-worker.js', import.meta.url);
  if (js.protocol === 'file:' && existsSync(fileURLToPath(js))) return new Worker(js, { workerData });
  const ts = new URL('./wasm-vips-worker.ts', import.meta.url);
  // Resolved here, where tsx is surely findable; an eval'd worker resolves from the cwd.
  // require.resolve finds the CommonJS build, whose ESM twin is what works in a worker.
  const tsxApi = pathToFileURL(
    createRequire(import.meta.url)
      .resolve('tsx/esm/api')
      .replace(/\.cjs$/, '.mjs'),
  );
  const bootstrap = `import(${JSON.stringify(tsxApi.href)}).then((tsx) => tsx.tsImport(${JSON.stringify(ts.href)}, ${JSON.stringify(import.meta.url)}));`;
  return new Worker(bootstrap, { eval: true, workerData });
}

let compiling: Promise<WebAssembly.Module> | undefined;

/**
 * vips.wasm compiled once per process and handed to every worker. V8 shares
 * a compiled module's machine code between the threads that instantiate it,
 * optimised tiers included, so a replacement worker neither compiles libvips
 * again nor starts cold on slow baseline code, and old and new worker never
 * hold two copies of that code.
 */
function compiledVips(): Promise<WebAssembly.Module> {
  compiling ??= readFile(createRequire(import.meta.url).resolve('wasm-vips/vips.wasm'))
    .then((bytes) => WebAssembly.compile(bytes))
    .catch((error: unknown) => {
      compiling = undefined;
      throw error;
    });
  return compiling;
}

/** One worker thread and the job it is running, if any. */
class WorkerSlot {
  readonly worker: Worker;
  readonly ready: Promise<number>;
  readonly heif: boolean;
  images = 0;
  stats: WorkerStats = { heapBytes: 0, rssBytes: 0 };
  #pending: { id: number; resolve: (o: Outcome) => void; reject: (e: unknown) => void } | undefined;
  #dead: Error | undefined;
  #nextId = 1;

  constructor(vipsModule: WebAssembly.Module, heif: boolean) {
    this.heif = heif;
    this.worker = startWorker({ vipsModule, heif });
    this.ready = new Promise<number>((resolve, reject) => {
      const onReady = (reply: WorkerReply) => {
        if (reply.type !== 'ready') return;
        this.stats = reply.stats;
        this.worker.off('message', onReady);
        resolve(reply.initMs);
      };
      this.worker.on('message', onReady);
      this.worker.once('exit', (code) =>
        reject(this.#dead ?? new WorkerLostError(`the image worker exited with code ${code} while starting`)),
      );
    });
    // A failed start is reported through `ready` or `run`, not as an unhandled rejection.
    this.ready.catch(() => {});
    this.worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready' || reply.id !== this.#pending?.id) return;
      const pending = this.#pending;
      this.#pending = undefined;
      this.stats = reply.stats;
      this.worker.unref();
      if (reply.type === 'done') pending.resolve(reply.outcome);
      else {
        this.#dead = new WorkerLostError(`the image worker failed: ${reply.message}`);
        pending.reject(this.#dead);
      }
    });
    this.worker.on('error', (error) => {
      this.#dead ??= new WorkerLostError(`the image worker crashed: ${error.message}`, { cause: error });
    });
    this.worker.on('exit', (code) => {
      this.#dead ??= new WorkerLostError(`the image worker exited with code ${code}`);
      const pending = this.#pending;
      this.#pending = undefined;
      pending?.reject(this.#dead);
    });
  }

  /** Whether this worker may take another job. */
  get usable(): boolean {
    return this.#dead === undefined;
  }

  run(request: Request, bytes: Uint8Array, timeoutMs: number): Promise<Outcome> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise<Outcome>((resolve, reject) => {
      const id = this.#nextId++;
      const timer = setTimeout(() => {
        // The exit that follows rejects the job with this reason.
        this.#dead ??= new WorkerLostError(`the image worker did not finish a job within ${timeoutMs} ms`);
        void this.worker.terminate();
      }, timeoutMs);
      const settle =
        <T>(f: (value: T) => void) =>
        (value: T) => {
          clearTimeout(timer);
          f(value);
        };
      this.#pending = { id, resolve: settle(resolve), reject: settle(reject) };
      // A private copy is transferred, so the caller's array is never detached
      // and a retry after a lost worker still has the bytes.
      const copy = bytes.slice();
      const message: WorkerRequest =
        request.op === 'probe'
          ? { id, op: 'probe', bytes: copy }
          : { id, op: 'render', bytes: copy, settings: request.settings, limits: request.limits };
      // Held only while busy, so an idle worker never keeps the process alive.
      this.worker.ref();
      this.worker.postMessage(message, [copy.buffer]);
    });
  }

  async stop(): Promise<void> {
    this.#dead ??= new WorkerLostError('the image worker was stopped');
    await this.worker.terminate();
  }
}

/**
 * ImageProcessor on wasm-vips (libvips compiled to WebAssembly), for Node and
 * Lambda. Each original is decoded once with shrink-on-load, auto-oriented,
 * converted to sRGB, and every preset is cut from that decode and encoded
 * without metadata.
 *
 * wasm-vips runs in a worker thread because a WebAssembly heap never shrinks:
 * fed photo after photo it grows until libvips fails with "Insufficient
 * memory". The worker is started on first use, runs one job at a time, and is
 * replaced after `maxImagesPerWorker` renders or once its heap passes
 * `maxHeapBytes`. Jobs queue meanwhile and none is lost: a job whose worker
 * dies under it, or hangs past `jobTimeoutMs`, is retried once on a fresh
 * worker before the error is thrown.
 * Workers load libheif only once an AVIF arrives: every thread of wasm-vips
 * compiles its side modules again, which would make each restart slower.
 * Call `close()` to end the worker.
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
      onJobDispatched: options.onJobDispatched,
    };
  }

  async probe(bytes: Uint8Array): Promise<Result<ImageProbe, ImageRejection>> {
    const format = sniffedFormat(bytes);
    if (!format.ok) return format;
    const outcome = await this.#submit({ op: 'probe' }, bytes, format.value);
    if (!outcome.ok) return err(toDomainError(outcome.error));
    return ok(outcome.value as PipelineProbe);
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
    if (!outcome.ok) return err(toDomainError(outcome.error));
    return ok(outcome.value as PipelineOutput);
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

  #submit(request: Request, bytes: Uint8Array, format: ImageFormat): Promise<Outcome> {
    if (this.#closed) return Promise.reject(new Error('the image processor was closed'));
    return new Promise<Outcome>((resolve, reject) => {
      this.#queue.push({ request, bytes, heif: format === 'avif', resolve, reject });
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

  async #runWithRetry(job: Job): Promise<Outcome> {
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

  async #runOnce(job: Job, attempt: number): Promise<Outcome> {
    if (this.#closed) throw new Error('the image processor was closed');
    // A worker without libheif is replaced for an AVIF; one with it reads everything.
    if (!this.#slot?.usable || (job.heif && !this.#slot.heif)) {
      await this.#retire();
      this.#slot = new WorkerSlot(await compiledVips(), job.heif);
      this.#workersStarted++;
    }
    const slot = this.#slot;
    this.#lastInitMs = await slot.ready;
    this.#options.onJobDispatched?.({ worker: slot.worker, attempt });
    const outcome = await slot.run(job.request, job.bytes, this.#options.jobTimeoutMs);
    if (job.request.op === 'render') slot.images++;
    if (
      slot.images >= this.#options.maxImagesPerWorker ||
      slot.stats.heapBytes > this.#options.maxHeapBytes
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

function toDomainError(rejection: PipelineRejection): ImageRejection {
  switch (rejection.code) {
    case 'unsupported-format':
      return new UnsupportedImageError(rejection.message);
    case 'corrupt-image':
      return new CorruptImageError(rejection.message);
    case 'image-too-large':
      return new ImageTooLargeError(rejection.width, rejection.height, rejection.maxPixels);
  }
}
