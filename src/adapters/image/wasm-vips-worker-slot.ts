/**
 * The processor's side of the thread boundary: starting a wasm-vips worker
 * thread, the vips.wasm and libheif-js's wasm compiled once and shared by every
 * worker, and {@link WorkerSlot}, which runs a job on a worker and notices when
 * the worker is lost. When to start, retire or retry is not decided here but in
 * wasm-vips-image-processor.ts.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import {
  encodeRequest,
  parseOutcome,
  type WorkerData,
  type WorkerJob,
  type WorkerOutcome,
  type WorkerReply,
  type WorkerStats,
} from './wasm-vips-worker-protocol.js';

/** The worker went away or failed mid-job: worth one retry on a fresh worker. */
export class WorkerLostError extends Error {
  override name = 'WorkerLostError';
}

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

const compiling = new Map<string, Promise<WebAssembly.Module>>();

/**
 * A package's .wasm compiled once per process and handed to every worker. V8
 * shares a compiled module's machine code between the threads that
 * instantiate it, optimised tiers included, so a replacement worker neither
 * compiles libvips (or libheif) again nor starts cold on slow baseline code,
 * and old and new worker never hold two copies of that code.
 */
function compiled(path: string): Promise<WebAssembly.Module> {
  let module = compiling.get(path);
  if (!module) {
    module = readFile(createRequire(import.meta.url).resolve(path))
      .then((bytes) => WebAssembly.compile(bytes))
      .catch((error: unknown) => {
        compiling.delete(path);
        throw error;
      });
    compiling.set(path, module);
  }
  return module;
}

const compiledVips = (): Promise<WebAssembly.Module> => compiled('wasm-vips/vips.wasm');

/** libheif-js's wasm, compiled the first time a HEIC arrives; each job that needs it carries it. */
export const compiledLibheif = (): Promise<WebAssembly.Module> =>
  compiled('libheif-js/libheif-wasm/libheif.wasm');

/**
 * One worker thread and the job it is running, if any. Anything that ends the
 * worker (a crash, an exit, a `failed` reply, a job past its timeout) rejects
 * the job with a {@link WorkerLostError} and leaves the slot unusable.
 *
 * @example
 * const slot = await WorkerSlot.start({ avif: false });
 * await slot.ready;
 * const outcome = await slot.run({ op: 'probe' }, bytes, 15_000);
 * await slot.stop();
 */
export class WorkerSlot {
  readonly worker: Worker;
  /** Resolves with the worker's wasm-vips init time in ms once it can take a job. */
  readonly ready: Promise<number>;
  /** Whether this worker loaded wasm-vips' libheif side module, so can read AVIF. */
  readonly avif: boolean;
  /** Renders done so far; counted by the processor, which decides on recycling. */
  images = 0;
  /** The worker's size as of its latest reply. */
  stats: WorkerStats = { heapBytes: 0, libheifHeapBytes: 0, rssBytes: 0 };
  #pending: { id: number; resolve: (o: WorkerOutcome) => void; reject: (e: unknown) => void } | undefined;
  #dead: Error | undefined;
  #nextId = 1;

  /** Starts a worker on the shared compiled vips.wasm, with wasm-vips' libheif if `avif`. */
  static async start(options: { readonly avif: boolean }): Promise<WorkerSlot> {
    return new WorkerSlot(await compiledVips(), options.avif);
  }

  private constructor(vipsModule: WebAssembly.Module, avif: boolean) {
    this.avif = avif;
    this.worker = startWorker({ vipsModule, avif });
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
      if (reply.type === 'done') pending.resolve(parseOutcome(reply.outcome));
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

  /**
   * Runs one job; the worker is ended if it has not answered within `timeoutMs`.
   * A HEIC's job passes the compiled `libheif`, for a worker that has yet to load it.
   */
  run(
    job: WorkerJob,
    bytes: Uint8Array,
    timeoutMs: number,
    libheif?: WebAssembly.Module,
  ): Promise<WorkerOutcome> {
    if (this.#dead) return Promise.reject(this.#dead);
    return new Promise<WorkerOutcome>((resolve, reject) => {
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
      const { message, transfer } = encodeRequest(id, job, bytes, libheif);
      // Held only while busy, so an idle worker never keeps the process alive.
      this.worker.ref();
      this.worker.postMessage(message, transfer);
    });
  }

  /** Ends the worker; a job still running on it is rejected as lost. */
  async stop(): Promise<void> {
    this.#dead ??= new WorkerLostError('the image worker was stopped');
    await this.worker.terminate();
  }
}
