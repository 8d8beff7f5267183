/**
 * The worker thread behind WasmVipsImageProcessor: owns one wasm-vips
 * instance (and, once a HEIC has arrived, one libheif-js instance) and runs
 * one job at a time. It lives in its own thread because the WebAssembly heaps
 * never shrink; the processor throws the whole thread away (and the heaps with
 * it) when they have grown too much.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Vips from 'wasm-vips';
import { ContentType } from '../../domain/content-type.js';
import { LibheifDecoder } from './libheif-decoder.js';
import { configureVips, probeImage, renderImage } from './wasm-vips-pipeline.js';
import { ImageHandles } from './wasm-vips-support.js';
import {
  encodeDone,
  needsLibheif,
  type WorkerData,
  type WorkerReply,
  type WorkerRequest,
  type WorkerStats,
} from './wasm-vips-worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('wasm-vips-worker must be started as a worker thread');

// wasm-vips keeps its WebAssembly.Memory to itself; catching it as it is
// constructed is the only way to read the heap size that decides a recycle.
const memories: WebAssembly.Memory[] = [];
const OriginalMemory = WebAssembly.Memory;
Reflect.set(
  WebAssembly,
  'Memory',
  new Proxy(OriginalMemory, {
    construct(target, args, newTarget) {
      const memory = Reflect.construct(target, args, newTarget) as WebAssembly.Memory;
      memories.push(memory);
      return memory;
    },
  }),
);

const data = (workerData as WorkerData | null | undefined) ?? {};
const shared = data.vipsModule;

/** Emscripten's hook to instantiate the module itself: here from the compiled one the processor sent. */
function instantiateWasm(
  imports: WebAssembly.Imports,
  done: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void,
): Record<string, never> {
  if (!shared) throw new Error('no compiled module to instantiate');
  WebAssembly.instantiate(shared, imports).then(
    (instance) => done(instance, shared),
    (error: unknown) =>
      // Emscripten waits on `done` for ever; failing the thread lets the processor see it.
      queueMicrotask(() => {
        throw error;
      }),
  );
  return {};
}

const started = performance.now();
let vips: Awaited<ReturnType<typeof Vips>>;
try {
  vips = await Vips({
    ...(shared ? { instantiateWasm } : {}),
    // AVIF needs libheif. Every thread wasm-vips starts compiles the side
    // modules again, so libheif is loaded only into workers started for AVIF;
    // JPEG XL is not accepted, so its module is never loaded. (HEIC is not
    // wasm-vips' libheif's: it has no HEVC decoder. libheif-js decodes it.)
    dynamicLibraries: data.avif ? ['vips-heif.wasm'] : [],
    // libvips warns on stderr for every damaged tile; the error that matters
    // is returned as a rejection instead.
    preRun: [
      (module: { ENV: Record<string, string> }) => {
        module.ENV.VIPS_WARNING = '0';
      },
    ],
  } as Parameters<typeof Vips>[0]);
} finally {
  Reflect.set(WebAssembly, 'Memory', OriginalMemory);
}
configureVips(vips);

/** libheif-js, loaded by the first HEIC this worker renders. */
let libheif: LibheifDecoder | undefined;

const stats = (): WorkerStats => ({
  heapBytes: memories.reduce((max, m) => Math.max(max, m.buffer.byteLength), 0),
  libheifHeapBytes: libheif?.heapBytes ?? 0,
  rssBytes: process.memoryUsage.rss(),
});

/**
 * A JPEG of noise around mid-grey in three bands: texture of the kind a photo has, so
 * the warm-up runs the decoder, the resize and the encoders over the code real
 * images take.
 */
function syntheticJpeg(width: number, height: number): Uint8Array {
  const owned = new ImageHandles();
  try {
    const band = () => owned.keep(vips.Image.gaussnoise(width, height, { sigma: 20, mean: 128 }));
    const rgb = owned.keep(owned.keep(band().bandjoin([band(), band()])).cast('uchar'));
    return rgb.jpegsaveBuffer({ Q: 85 });
  } finally {
    owned.deleteAll();
  }
}

/** The job's outcome; jobs arrive one at a time, so loading libheif-js here races nothing. */
async function run(request: WorkerRequest) {
  if (request.op === 'probe') return probeImage(vips, request.bytes);
  if (request.op === 'warm') {
    const jpeg = syntheticJpeg(request.width, request.height);
    return renderImage(vips, jpeg, request.settings, { maxPixels: request.width * request.height });
  }
  const sniffed = ContentType.sniff(request.bytes);
  if (sniffed.kind === 'image' && needsLibheif(sniffed.format)) {
    libheif ??= await LibheifDecoder.load(request.libheif);
  }
  return renderImage(vips, request.bytes, request.settings, request.limits, libheif);
}

port.on('message', async (request: WorkerRequest) => {
  try {
    const outcome = await run(request);
    const { message, transfer } = encodeDone(request.id, outcome, stats());
    port.postMessage(message, transfer);
  } catch (e) {
    const message =
      e instanceof Error
        ? e.message
        : Array.isArray((e as { message?: unknown })?.message)
          ? String((e as { message: unknown[] }).message[1])
          : String(e);
    const reply: WorkerReply = { type: 'failed', id: request.id, message, stats: stats() };
    port.postMessage(reply);
  }
});

const ready: WorkerReply = { type: 'ready', initMs: performance.now() - started, stats: stats() };
port.postMessage(ready);
