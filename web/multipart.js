import { ApiError } from './api.js';
import { backoff, isRetryable, MAX_ATTEMPTS, transfer } from './upload.js';

/** Parts of one file in flight at once; the page-wide slots bound the total. */
const PARTS_IN_FLIGHT = 4;
/** The API signs at most this many part numbers per call. */
const SIGN_BATCH = 100;
/** A part does not start on a URL with less than this left: a slow part would see it expire. */
const URL_MARGIN_MS = 60_000;
/** A URL's lifetime when the page's clock disagrees with the server's: a 403 re-signs anyway. */
const MIN_TRUSTED_TTL_MS = 120_000;
/** Parts that completing may name as wrong and get sent again, before the upload stops. */
const MAX_REPAIRS = 3;

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {import('./api.js').ReceivedPart} ReceivedPart
 * @typedef {{ run: <T>(task: () => Promise<T>) => Promise<T> }} Slots
 * @typedef {{ url: string, headers?: Record<string, string>, expires: number }} PartUrl
 */

/**
 * Sends a file by multipart upload: the parts storage does not hold yet
 * (`received` comes from `GET /uploads/{id}` when resuming), a few at a time,
 * each PUT to its own signed URL; then completes. A failed part is retried
 * with backoff, after signing a fresh URL when the old one was refused (403:
 * expired); when one part gives up, the others stop, and the upload can be
 * resumed later from what storage kept. Completing is retried too (it is safe
 * to repeat), and a part it names as wrong is sent again.
 *
 * @example
 *   const { photo, sent } = await sendMultipart({ api, file, photoId, plan, received: [], slots, signal,
 *     onProgress: (bytes) => row.progress(bytes / file.size) });
 *
 * @param {{ api: Api, file: File, photoId: string, plan: { partSize: number, partCount: number },
 *   received: ReceivedPart[], slots: Slots, signal: AbortSignal, onProgress: (bytes: number) => void }} options
 *   `onProgress` gets the bytes storage holds plus those of parts on the way
 * @returns {Promise<{ photo: Photo, sent: number }>} `sent`: the parts this call sent
 */
export async function sendMultipart({ api, file, photoId, plan, received, slots, signal, onProgress }) {
  const { partSize, partCount } = plan;
  const sizeOf = (/** @type {number} */ n) => Math.min(partSize, file.size - (n - 1) * partSize);
  /** @type {Map<number, string>} ETags of the parts storage holds */
  const etags = new Map();
  for (const part of received) {
    if (part.size === sizeOf(part.partNumber)) etags.set(part.partNumber, part.etag);
  }
  let stored = [...etags.keys()].reduce((sum, n) => sum + sizeOf(n), 0);
  /** @type {Map<number, number>} bytes of each part on the way */
  const moving = new Map();
  const report = () => onProgress(stored + [...moving.values()].reduce((a, b) => a + b, 0));
  report();

  // One part that gives up stops the others; so does the caller's signal.
  const stop = new AbortController();
  const forward = () => stop.abort(signal.reason);
  if (signal.aborted) forward();
  signal.addEventListener('abort', forward, { once: true });
  const halt = stop.signal;

  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !etags.has(n));
  /** @type {Map<number, PartUrl>} */
  const urls = new Map();
  const fresh = (/** @type {PartUrl | undefined} */ url) =>
    url !== undefined && url.expires - Date.now() > URL_MARGIN_MS;
  /** Parts waiting for a URL: the next signing call asks for all of them, then for those to come. */
  const needy = new Set();
  /** One signing call at a time. */
  let signing = Promise.resolve();
  let sent = 0;

  /** @param {number} n */
  function urlFor(n) {
    if (!fresh(urls.get(n))) {
      needy.add(n);
      signing = signing
        .catch(() => {})
        .then(async () => {
          if (fresh(urls.get(n))) return;
          const wanted = [...new Set([...needy, ...todo])].filter((p) => !fresh(urls.get(p)));
          const { parts, expiresAt } = await api.signParts(photoId, wanted.slice(0, SIGN_BATCH));
          const expires = Date.now() + Math.max(Date.parse(expiresAt) - Date.now(), MIN_TRUSTED_TTL_MS);
          for (const part of parts) {
            urls.set(part.partNumber, { ...part, expires });
            needy.delete(part.partNumber);
          }
        });
    }
    return signing.then(() => /** @type {PartUrl} */ (urls.get(n)));
  }

  /** @param {number} n */
  async function sendPart(n) {
    const start = (n - 1) * partSize;
    for (let attempt = 0; ; attempt++) {
      try {
        const target = await urlFor(n);
        const { etag } = await slots.run(() =>
          transfer({
            method: 'PUT',
            url: api.resolve(target.url),
            headers: target.headers,
            body: file.slice(start, start + sizeOf(n)),
            signal: halt,
            onProgress: (loaded) => {
              moving.set(n, Math.min(loaded, sizeOf(n)));
              report();
            },
          }),
        );
        // Not retried: a bucket whose CORS hides ETag will hide it next time too.
        if (!etag) throw new Error('storage did not show the part’s ETag (its CORS must expose ETag).');
        moving.delete(n);
        etags.set(n, etag);
        stored += sizeOf(n);
        sent++;
        report();
        return;
      } catch (error) {
        moving.delete(n);
        report();
        if (halt.aborted || !isRetryable(error) || attempt + 1 >= MAX_ATTEMPTS) throw error;
        if (error instanceof ApiError && error.status === 403) urls.delete(n);
        await backoff(attempt, halt);
      }
    }
  }

  async function worker() {
    for (let n = todo.shift(); n !== undefined && !halt.aborted; n = todo.shift()) {
      try {
        await sendPart(n);
      } catch (error) {
        stop.abort(error);
        throw error;
      }
    }
  }

  try {
    await Promise.all(Array.from({ length: Math.min(PARTS_IN_FLIGHT, todo.length) }, worker));
    return { photo: await complete(), sent };
  } finally {
    signal.removeEventListener('abort', forward);
  }

  /** Completes, sending again a part storage says is wrong or missing. */
  async function complete() {
    let repairs = 0;
    for (let attempt = 0; ; attempt++) {
      const parts = [...etags].sort(([a], [b]) => a - b).map(([partNumber, etag]) => ({ partNumber, etag }));
      try {
        return (await api.completeUpload(photoId, parts)).photo;
      } catch (error) {
        const wrong = error instanceof ApiError && error.status === 400 ? error.partNumber : undefined;
        if (wrong && repairs < MAX_REPAIRS && !halt.aborted) {
          repairs++;
          if (etags.delete(wrong)) stored -= sizeOf(wrong);
          await sendPart(wrong);
          attempt = -1;
          continue;
        }
        if (halt.aborted || !isRetryable(error) || attempt + 1 >= MAX_ATTEMPTS) throw error;
        await backoff(attempt, halt);
      }
    }
  }
}
