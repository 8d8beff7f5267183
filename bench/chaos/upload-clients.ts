import { setTimeout as sleep } from 'node:timers/promises';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { apiEvent, lambdaContext } from './aws-events.js';

/** The http Lambda's handler. */
export type HttpHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** One upload as its client saw it end. */
export interface UploadOutcome {
  readonly owner: string;
  /** The photo whose bytes the client got stored, or undefined if it gave up. */
  readonly photoId?: string;
  /** Photos registered for it and then given up on (DELETE /uploads sent, best effort). */
  readonly abandoned: readonly string[];
}

/** What the clients went through. */
export interface ClientStats {
  registerCalls: number;
  registerFailures: number;
  /** Failed registrations by status and problem code. */
  registerFailuresBy: Record<string, number>;
  putCalls: number;
  putFailures: number;
  /** PUTs answered 412: an earlier try had stored the bytes, its answer was lost. */
  putsAlreadyStored: number;
  abortCalls: number;
}

/** Options of {@link uploadAll}. */
export interface UploadAllOptions {
  /**
   * Instances of the http Lambda (each its own module, container and SDK
   * clients): client k sends through instance k modulo their number, so that,
   * as on Lambda, an instance serves one request at a time.
   */
  readonly http: readonly HttpHandler[];
  readonly owners: readonly string[];
  readonly count: number;
  readonly concurrency: number;
  readonly images: readonly Uint8Array[];
  readonly random: () => number;
  /**
   * Until when a person whose upload the page said "Not uploaded" picks the
   * file again (epoch ms): a persistent person, so an upload ends stored
   * unless the service never lets it.
   */
  readonly deadline: number;
}

/** The page's policy (web/upload.js): 5 tries of a request to storage, backing off from 0.5 s to 8 s with jitter. */
const MAX_ATTEMPTS = 5;
/** About how long that person takes to pick the file again. */
const PICK_AGAIN_MS = 1000;
const backoffMs = (attempt: number, random: () => number) =>
  Math.min(500 * 2 ** attempt, 8000) * (0.5 + random() / 2);

interface Target {
  readonly method: string;
  readonly url: string;
  readonly headers?: Record<string, string>;
}

/**
 * Uploads `count` photos as the gallery page does, `concurrency` at a time:
 * `POST /uploads` through an http Lambda instance, then the bytes to the presigned
 * target, retried as web/upload.js retries them (a 412 is the bytes already
 * stored by a try whose answer was lost). When the page gives up on a file it
 * sends `DELETE /uploads/{id}` and says "Not uploaded"; the person picks the
 * file again, until `deadline`; a failed registration is the same.
 *
 * @example
 * const { outcomes, stats } = await uploadAll({ http: [handler], owners, count: 1000, concurrency: 16, images, random, deadline });
 */
export async function uploadAll(
  options: UploadAllOptions,
): Promise<{ outcomes: UploadOutcome[]; stats: ClientStats }> {
  const { http, owners, count, concurrency, images, random, deadline } = options;
  const stats: ClientStats = {
    registerCalls: 0,
    registerFailures: 0,
    registerFailuresBy: {},
    putCalls: 0,
    putFailures: 0,
    putsAlreadyStored: 0,
    abortCalls: 0,
  };
  const call = async (http: HttpHandler, method: string, path: string, owner: string, body?: unknown) => {
    try {
      const res = await http(apiEvent(method, path, owner, body), lambdaContext('pixport-api', 29_000));
      return {
        status: res.statusCode ?? 500,
        body: res.body ? (JSON.parse(res.body) as unknown) : undefined,
      };
    } catch {
      // A handler that throws is a 502 from API Gateway.
      return { status: 502, body: undefined };
    }
  };

  async function send(target: Target, bytes: Uint8Array): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      stats.putCalls++;
      const res = await fetch(target.url, {
        method: target.method,
        headers: { ...target.headers },
        body: bytes as Uint8Array<ArrayBuffer>,
      }).catch(() => undefined);
      await res?.arrayBuffer();
      if (res && (res.ok || res.status === 412)) {
        if (res.status === 412) stats.putsAlreadyStored++;
        return true;
      }
      stats.putFailures++;
      const retryable = !res || res.status >= 500 || res.status === 429 || res.status === 408;
      if (!retryable || attempt + 1 >= MAX_ATTEMPTS) return false;
      await sleep(backoffMs(attempt, random));
    }
  }

  async function upload(i: number, http: HttpHandler): Promise<UploadOutcome> {
    const owner = owners[i % owners.length] as string;
    const bytes = images[i % images.length] as Uint8Array;
    const abandoned: string[] = [];
    while (Date.now() < deadline) {
      stats.registerCalls++;
      const registered = await call(http, 'POST', '/uploads', owner, {
        filename: `chaos-${i}.jpg`,
        contentType: 'image/jpeg',
        size: bytes.byteLength,
      });
      if (registered.status !== 201) {
        stats.registerFailures++;
        const why =
          `${registered.status} ${(registered.body as { code?: string } | undefined)?.code ?? ''}`.trim();
        stats.registerFailuresBy[why] = (stats.registerFailuresBy[why] ?? 0) + 1;
        // The page does not retry a registration: the person reads "Not uploaded" and picks again.
        await sleep(PICK_AGAIN_MS * (0.5 + random()));
        continue;
      }
      const { photo, upload } = registered.body as { photo: { id: string }; upload: Target };
      if (await send(upload, bytes)) return { owner, photoId: photo.id, abandoned };
      abandoned.push(photo.id);
      stats.abortCalls++;
      await call(http, 'DELETE', `/uploads/${photo.id}`, owner);
    }
    return { owner, abandoned };
  }

  const outcomes: UploadOutcome[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, k) => {
      const instance = http[k % http.length] as HttpHandler;
      while (next < count) {
        const i = next++;
        outcomes[i] = await upload(i, instance);
      }
    }),
  );
  return { outcomes, stats };
}
