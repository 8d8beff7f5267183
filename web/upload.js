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
]);

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
]);

/** The default of the service's `maxOriginalBytes`, used unless config.json says otherwise. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;

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
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/**
 * The media type to declare for a file, from the browser's guess or else the extension.
 *
 * @param {File} file
 */
export function contentTypeOf(file) {
  const declared = file.type.toLowerCase();
  if (declared) return declared;
  const extension = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase() ?? '';
  return BY_EXTENSION.get(extension) ?? '';
}

/**
 * The refused kind of file, named the way people know it.
 *
 * @param {string} type
 */
function kindOf(type) {
  if (type === 'image/svg+xml') return 'SVG images';
  if (type === 'text/plain') return 'text files';
  return type ? `${type} files` : 'files of an unknown type';
}

/**
 * Why a file cannot be uploaded, in words for the user, or undefined when it may be.
 *
 * @param {File} file
 * @param {number} maxBytes
 */
export function rejectionOf(file, maxBytes) {
  const type = contentTypeOf(file);
  if (!ACCEPTED_TYPES.has(type)) {
    return `${kindOf(type)} are not accepted; choose a JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC image.`;
  }
  if (file.size === 0) return 'the file is empty.';
  if (file.size > maxBytes) {
    return `it is ${formatBytes(file.size)}, over the ${formatBytes(maxBytes)} limit.`;
  }
  return undefined;
}

/**
 * Sends a file to the upload target that `POST /uploads` returned. XHR rather
 * than fetch because only XHR reports upload progress. S3 presigned PUTs and
 * the HMAC `/files` route take a PUT with the signed headers; an S3 presigned
 * POST takes a form whose policy fields must come before the file.
 *
 * @param {{ method: 'PUT' | 'POST', url: string, headers?: Record<string, string>, fields?: Record<string, string> }} target
 * @param {File} file
 * @param {string} url the target's URL, already resolved against the API origin
 * @param {(fraction: number) => void} onProgress
 * @param {AbortSignal} [signal]
 * @returns {Promise<void>}
 */
export function sendToStorage(target, file, url, onProgress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(target.method, url);
    let body = file;
    if (target.method === 'POST') {
      const form = new FormData();
      for (const [name, value] of Object.entries(target.fields ?? {})) form.append(name, value);
      form.append('file', file, file.name);
      body = form;
    } else {
      for (const [name, value] of Object.entries(target.headers ?? {})) xhr.setRequestHeader(name, value);
    }
    xhr.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve();
        return;
      }
      reject(refusalOf(xhr));
    });
    xhr.addEventListener('error', () =>
      reject(new ApiError(0, 'network', 'the upload failed: network error.')),
    );
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', 'the upload was cancelled.')));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(body);
  });
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
