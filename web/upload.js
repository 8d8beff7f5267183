import { ApiError } from './api.js';

/**
 * Client-side checks and the byte transfer of a signed upload. The server
 * checks everything again (by magic bytes, not names); checking here only
 * spares the user a round trip and lets the message say why up front.
 */

/** What the service accepts, by media type, with the names people know them by. */
export const ACCEPTED_TYPES = new Map([
  ['image/jpeg', 'JPEG'],
  ['image/png', 'PNG'],
  ['image/webp', 'WebP'],
  ['image/gif', 'GIF'],
  ['image/avif', 'AVIF'],
  ['image/tiff', 'TIFF'],
  ['image/heic', 'HEIC'],
  ['image/heif', 'HEIF'],
  ['video/mp4', 'MP4'],
  ['video/quicktime', 'MOV'],
  ['video/webm', 'WebM'],
  ['video/x-matroska', 'MKV'],
]);

/**
 * Whether a media type is a photo's or a video's: they have limits of their own.
 *
 * @param {string} type
 * @returns {'photo' | 'video'}
 */
export const mediaKindOf = (type) => (type.startsWith('video/') ? 'video' : 'photo');

/**
 * Browsers leave `File.type` empty for types the OS does not know (AVIF on older
 * systems, HEIC off Apple's, often). Matched in lower case: phones name files IMG_0001.HEIC.
 */
const BY_EXTENSION = new Map([
  ['jpg', 'image/jpeg'],
  ['jpeg', 'image/jpeg'],
  ['jfif', 'image/jpeg'],
  ['png', 'image/png'],
  ['webp', 'image/webp'],
  ['gif', 'image/gif'],
  ['avif', 'image/avif'],
  ['tif', 'image/tiff'],
  ['tiff', 'image/tiff'],
  ['heic', 'image/heic'],
  ['heif', 'image/heif'],
  ['mp4', 'video/mp4'],
  ['m4v', 'video/mp4'],
  ['mov', 'video/quicktime'],
  ['webm', 'video/webm'],
  ['mkv', 'video/x-matroska'],
]);

/** Names browsers and systems give accepted types, as the service declares them. */
const ALIASES = new Map([
  ['video/matroska', 'video/x-matroska'],
  ['video/x-m4v', 'video/mp4'],
]);

/**
 * Types the service refuses, by extension, so `DRAWING.SVG` with no declared
 * type is refused in the same words as `drawing.svg` with one.
 */
const REFUSED_BY_EXTENSION = new Map([
  ['svg', 'image/svg+xml'],
  ['txt', 'text/plain'],
  ['htm', 'text/html'],
  ['html', 'text/html'],
  ['pdf', 'application/pdf'],
  ['bmp', 'image/bmp'],
  ['avi', 'video/x-msvideo'],
]);

/**
 * The service's defaults, used unless config.json says otherwise: `maxOriginalBytes`
 * for a photo, the video limits' `maxBytes` (2 GiB) for a video.
 *
 * @typedef {{ photo: number, video: number }} SizeLimits
 * @type {SizeLimits}
 */
export const DEFAULT_MAX_BYTES = { photo: 50 * 1024 * 1024, video: 2 * 1024 * 1024 * 1024 };

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  // 2 GiB rather than 2.0 GiB; 1.5 MiB keeps its decimal.
  return `${value >= 10 ? Math.round(value) : Number(value.toFixed(1))} ${units[unit]}`;
}

/**
 * The media type to declare for a file, from the browser's guess or else the extension.
 *
 * @param {File} file
 */
export function contentTypeOf(file) {
  const declared = file.type.toLowerCase();
  if (declared) return ALIASES.get(declared) ?? declared;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION.get(extension) ?? REFUSED_BY_EXTENSION.get(extension) ?? '';
}

/**
 * The refused kind of file, named the way people know it.
 *
 * @param {string} type
 */
function kindOf(type) {
  if (type === 'image/svg+xml') return 'SVG images';
  if (type === 'text/plain') return 'text files';
  if (type === 'text/html') return 'web pages';
  if (type === 'application/pdf') return 'PDF documents';
  if (type === 'video/x-msvideo' || type === 'video/avi') return 'AVI videos';
  if (type.startsWith('video/')) return `${type} videos`;
  return type ? `${type} files` : 'files of an unknown type';
}

/**
 * Why a file cannot be uploaded, in words for the user, or undefined when it may be.
 *
 * @param {File} file
 * @param {SizeLimits} maxBytes the largest photo and the largest video (0: videos are not accepted)
 */
export function rejectionOf(file, maxBytes) {
  const type = contentTypeOf(file);
  if (!ACCEPTED_TYPES.has(type)) {
    return `${kindOf(type)} are not accepted; choose a JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC image, or an MP4, MOV, WebM or MKV video.`;
  }
  if (file.size === 0) return 'the file is empty.';
  const kind = mediaKindOf(type);
  const limit = maxBytes[kind];
  if (limit === 0) return `${kind}s are not accepted by this service; choose a photo.`;
  if (file.size > limit) {
    return `it is ${formatBytes(file.size)}, over the ${formatBytes(limit)} limit for a ${kind}.`;
  }
  return undefined;
}

/** How many tries a request to storage gets before the upload stops (resumable, for a multipart one). */
export const MAX_ATTEMPTS = 5;
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 8000;

/**
 * Failures worth another try: no answer, a timeout, throttling, a server error,
 * and 403 (a signed URL that expired: the caller signs a fresh one first).
 *
 * @param {unknown} error
 */
export function isRetryable(error) {
  if (!(error instanceof ApiError)) return error instanceof TypeError;
  return [0, 403, 408, 429].includes(error.status) || error.status >= 500;
}

/**
 * Waits before try `attempt` + 1: exponential from 0.5 s, capped at 8 s, with
 * jitter so parts that failed together do not retry in lockstep. Rejects at
 * once when `signal` aborts.
 *
 * @param {number} attempt 0 for the first retry
 * @param {AbortSignal} signal
 */
export function backoff(attempt, signal) {
  const ms = Math.min(FIRST_RETRY_MS * 2 ** attempt, MAX_RETRY_MS) * (0.5 + Math.random() / 2);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * At most `size` transfers at once across every upload of the page: browsers
 * allow about six connections per host, and the grid's thumbnails and polls
 * need some.
 *
 * @example
 *   const slots = createSlots(4);
 *   await slots.run(() => transfer(request));
 *
 * @param {number} size
 */
export function createSlots(size) {
  let free = size;
  /** @type {(() => void)[]} */
  const waiting = [];
  return {
    /**
     * @template T
     * @param {() => Promise<T>} task
     * @returns {Promise<T>}
     */
    async run(task) {
      if (free > 0) free--;
      else await new Promise((resolve) => waiting.push(() => resolve(undefined)));
      try {
        return await task();
      } finally {
        const next = waiting.shift();
        if (next) next();
        else free++;
      }
    },
  };
}

/**
 * One request to storage, by XHR rather than fetch because only XHR reports
 * upload progress. Resolves with the answer's ETag (a part's, which CORS
 * exposes); rejects with an ApiError: status 0 for no answer, `aborted` when
 * `signal` aborts.
 *
 * @param {{ method: string, url: string, headers?: Record<string, string>, body: Blob | FormData,
 *   onProgress?: (loaded: number) => void, signal: AbortSignal }} request
 * @returns {Promise<{ status: number, etag: string | null }>}
 */
export function transfer({ method, url, headers = {}, body, onProgress, signal }) {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new ApiError(0, 'aborted', 'the upload was cancelled.'));
    const xhr = new XMLHttpRequest();
    xhr.open(method, url);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.addEventListener('progress', (event) => onProgress?.(event.loaded));
    xhr.addEventListener('load', () => {
      // 412: on S3 a retried PUT whose first answer was lost finds the original already stored.
      if ((xhr.status >= 200 && xhr.status < 300) || xhr.status === 412) {
        resolve({ status: xhr.status, etag: xhr.getResponseHeader('ETag') });
      } else reject(refusalOf(xhr));
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'network', 'the connection to storage failed (network error).')),
    );
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'the upload was cancelled.')));
    const abort = () => xhr.abort();
    signal.addEventListener('abort', abort, { once: true });
    xhr.addEventListener('loadend', () => signal.removeEventListener('abort', abort));
    xhr.send(body);
  });
}

/**
 * Sends a whole file to the single target that `POST /uploads` returned,
 * retrying what is worth it. S3 presigned PUTs and the HMAC `/files` route
 * take a PUT with the signed headers; an S3 presigned POST takes a form whose
 * policy fields must come before the file.
 *
 * @param {import('./api.js').SingleTarget} target
 * @param {File} file
 * @param {string} url the target's URL, already resolved against the API origin
 * @param {(fraction: number) => void} onProgress
 * @param {AbortSignal} signal
 */
export async function sendToStorage(target, file, url, onProgress, signal) {
  /** @type {Blob | FormData} */
  let body = file;
  if (target.method === 'POST') {
    const form = new FormData();
    for (const [name, value] of Object.entries(target.fields ?? {})) form.append(name, value);
    form.append('file', file, file.name);
    body = form;
  }
  const headers = target.method === 'PUT' ? target.headers : {};
  const onBytes = (/** @type {number} */ loaded) => onProgress(Math.min(1, loaded / file.size));
  for (let attempt = 0; ; attempt++) {
    try {
      await transfer({ method: target.method, url, headers, body, onProgress: onBytes, signal });
      onProgress(1);
      return;
    } catch (error) {
      // A single target is signed once; a 403 is not an expired URL worth retrying here.
      const retry = isRetryable(error) && !(error instanceof ApiError && error.status === 403);
      if (signal.aborted || !retry || attempt + 1 >= MAX_ATTEMPTS) throw error;
      await backoff(attempt, signal);
    }
  }
}

/**
 * The `/files` route answers problem+json; S3 answers XML with a `<Message>`.
 *
 * @param {XMLHttpRequest} xhr
 */
function refusalOf(xhr) {
  const text = xhr.responseText ?? '';
  try {
    const problem = JSON.parse(text);
    if (typeof problem.detail === 'string')
      return new ApiError(xhr.status, problem.code ?? '', problem.detail);
  } catch {
    const message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1];
    if (message) return new ApiError(xhr.status, 'storage', message);
  }
  return new ApiError(xhr.status, '', `storage refused the upload (${xhr.status}).`);
}
