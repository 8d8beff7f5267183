/**
 * The messages between WasmVipsImageProcessor's thread and its wasm-vips
 * worker thread, imported by both sides so neither can drift from the other.
 * Everything here crosses `postMessage`, a structured clone: a class instance
 * arrives as a plain object without its prototype (a domain error would lose
 * its class and its `code`), so rejections travel as {@link WireRejection} data
 * and are rebuilt on the processor's side by {@link parseOutcome}.
 */
import type { ImageProbe, ImageRejection, RenderOutput } from '../../application/ports/image-processor.js';
import type { ImageFormat } from '../../domain/content-type.js';
import { CorruptImageError, ImageTooLargeError, UnsupportedImageError } from '../../domain/errors.js';
import type { RenditionSettings } from '../../domain/presets.js';
import { err, type Result } from '../../domain/result.js';

/**
 * What the processor hands a new worker: vips.wasm already compiled, to be
 * instantiated rather than compiled again (without it the worker compiles its
 * own), and whether to load wasm-vips' libheif side module, which only AVIF needs.
 */
export interface WorkerData {
  readonly vipsModule?: WebAssembly.Module;
  readonly avif?: boolean;
}

/**
 * Whether a format is decoded by libheif-js (HEVC-coded HEIF, which wasm-vips'
 * libheif cannot read): the processor sends the compiled libheif-js with such
 * a job, and the worker loads it on the first one.
 */
export const needsLibheif = (format: ImageFormat): boolean => format === 'heic' || format === 'heif';

/** A job as the processor queues it, before it is numbered and given its bytes. */
export type WorkerJob =
  | { readonly op: 'probe' }
  | {
      readonly op: 'render';
      readonly settings: RenditionSettings;
      readonly limits: { readonly maxPixels: number };
    }
  | {
      /**
       * A render, with `settings`, of a synthetic JPEG of `width`×`height` that the
       * worker makes itself (the job carries no bytes); its renditions are thrown away.
       * It starts libvips' threads and compiles the code a render runs before the first
       * real image needs them.
       */
      readonly op: 'warm';
      readonly settings: RenditionSettings;
      readonly width: number;
      readonly height: number;
    };

/**
 * A job for the worker; `bytes` arrives as a transferred buffer the worker owns.
 * A HEIC's job carries libheif-js's wasm, compiled once by the processor, which
 * the worker instantiates the first time it meets one.
 */
export type WorkerRequest = WorkerJob & {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly libheif?: WebAssembly.Module;
};

/** What a job gives: a probe or every rendition, or why the input was refused. */
export type WorkerOutcome = Result<ImageProbe | RenderOutput, ImageRejection>;

/** An {@link ImageRejection} as plain data, which survives the structured clone. */
export type WireRejection =
  | { readonly code: 'unsupported-format'; readonly message: string }
  | { readonly code: 'corrupt-image'; readonly message: string }
  | {
      readonly code: 'image-too-large';
      readonly width: number;
      readonly height: number;
      readonly maxPixels: number;
    };

/** How big the worker has grown, sent with every reply so the processor can decide to recycle it. */
export interface WorkerStats {
  /** Size of wasm-vips' WebAssembly linear memory: it only ever grows. */
  readonly heapBytes: number;
  /** Size of libheif-js's, which only ever grows too; 0 until the worker meets a HEIC. */
  readonly libheifHeapBytes: number;
  /** Resident set of the whole process, as this thread sees it. */
  readonly rssBytes: number;
}

/** Every message the worker sends: one `ready` once started, then one `done` or `failed` per request. */
export type WorkerReply =
  | { readonly type: 'ready'; readonly initMs: number; readonly stats: WorkerStats }
  | {
      readonly type: 'done';
      readonly id: number;
      readonly outcome: Result<ImageProbe | RenderOutput, WireRejection>;
      readonly stats: WorkerStats;
    }
  /** The processor failed (out of memory, an aborted runtime): the instance is not to be trusted again. */
  | { readonly type: 'failed'; readonly id: number; readonly message: string; readonly stats: WorkerStats };

/** A message and the buffers to transfer with it rather than copy. */
export interface Envelope<M> {
  readonly message: M;
  readonly transfer: ArrayBuffer[];
}

/**
 * The request for job `id`. A private copy of the bytes is transferred, so the
 * caller's array is never detached and a retry after a lost worker still has them.
 * A compiled `libheif` is cloned, which shares its machine code rather than copying it.
 */
export function encodeRequest(
  id: number,
  job: WorkerJob,
  bytes: Uint8Array,
  libheif?: WebAssembly.Module,
): Envelope<WorkerRequest> {
  const copy = bytes.slice();
  return { message: { ...job, id, bytes: copy, ...(libheif ? { libheif } : {}) }, transfer: [copy.buffer] };
}

/**
 * The `done` reply to job `id`. Rendition bytes are transferred: the worker
 * has no further use for them, and a copy would cost a second buffer per preset.
 */
export function encodeDone(id: number, outcome: WorkerOutcome, stats: WorkerStats): Envelope<WorkerReply> {
  if (!outcome.ok)
    return { message: { type: 'done', id, outcome: err(toWire(outcome.error)), stats }, transfer: [] };
  const transfer =
    'renditions' in outcome.value ? outcome.value.renditions.map((r) => r.bytes.buffer as ArrayBuffer) : [];
  return { message: { type: 'done', id, outcome, stats }, transfer };
}

/** The outcome of a `done` reply, with its rejection a domain error again. */
export function parseOutcome(outcome: Result<ImageProbe | RenderOutput, WireRejection>): WorkerOutcome {
  return outcome.ok ? outcome : err(fromWire(outcome.error));
}

function toWire(rejection: ImageRejection): WireRejection {
  if (rejection instanceof ImageTooLargeError) {
    const { code, width, height, maxPixels } = rejection;
    return { code, width, height, maxPixels };
  }
  return { code: rejection.code, message: rejection.message };
}

function fromWire(rejection: WireRejection): ImageRejection {
  switch (rejection.code) {
    case 'unsupported-format':
      return new UnsupportedImageError(rejection.message);
    case 'corrupt-image':
      return new CorruptImageError(rejection.message);
    case 'image-too-large':
      return new ImageTooLargeError(rejection.width, rejection.height, rejection.maxPixels);
  }
}
