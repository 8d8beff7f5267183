import { expect } from 'vitest';
import type { AppHarness } from '../../support/app-harness.js';
import { type TinyPngOptions, tinyPng } from '../../support/images.js';

/** The photo object as the API shows it (loosely typed: the tests check its shape). */
export interface PhotoBody {
  id: string;
  filename: string;
  contentType: string;
  size: number;
  status: string;
  createdAt: string;
  updatedAt: string;
  width?: number;
  height?: number;
  failure?: { code: string; message: string };
  placeholder?: string;
  renditions?: { preset: string; width: number; height: number; format: string; size: number }[];
  urls?: { original: string; thumbnails: Record<string, string> };
  [other: string]: unknown;
}

export interface ProblemJson {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  field?: string;
  /** The part at fault, when completing a multipart upload. */
  partNumber?: number;
  requestId?: string;
}

/** Checks a response is an RFC 9457 problem with this status (and code), and returns its body. */
export async function expectProblem(res: Response, status: number, code?: string): Promise<ProblemJson> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = (await res.json()) as ProblemJson;
  expect(body).toMatchObject({
    type: expect.stringMatching(/\S/),
    title: expect.stringMatching(/\S/),
    status,
    detail: expect.stringMatching(/\S/),
    code: expect.stringMatching(/^[a-z-]+$/),
  });
  if (code !== undefined) expect(body.code).toBe(code);
  return body;
}

/** Headers acting as an owner in dev mode. */
export const as = (owner: string, headers: Record<string, string> = {}): Record<string, string> => ({
  'X-Owner-Id': owner,
  ...headers,
});

/** POST /uploads with a JSON (or raw string) body. */
export function postUploads(h: AppHarness, body: unknown, headers: Record<string, string> = {}) {
  return h.app.request('/uploads', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** Registers an upload of `bytes` as a PNG and returns the photo and the signed target. */
export async function registerPng(h: AppHarness, bytes: Uint8Array, owner = 'dev', filename = 'photo.png') {
  const res = await postUploads(h, { filename, contentType: 'image/png', size: bytes.byteLength }, as(owner));
  expect(res.status).toBe(201);
  return (await res.json()) as {
    photo: PhotoBody;
    upload: { method: string; url: string; headers: Record<string, string>; expiresAt: string };
  };
}

/** PUTs bytes to a signed URL with a Content-Type. */
export function putBytes(h: AppHarness, url: string, bytes: Uint8Array, contentType = 'image/png') {
  return h.app.request(url, {
    method: 'PUT',
    headers: { 'Content-Type': contentType },
    body: bytes as Uint8Array<ArrayBuffer>,
  });
}

/** Uploads a PNG directly (POST /photos) and returns the photo, which is `processing`. */
export async function uploadPng(
  h: AppHarness,
  owner = 'dev',
  png: TinyPngOptions & { filename?: string } = {},
): Promise<PhotoBody> {
  const res = await h.app.request(`/photos?filename=${encodeURIComponent(png.filename ?? 'photo.png')}`, {
    method: 'POST',
    headers: as(owner, { 'Content-Type': 'image/png' }),
    body: tinyPng(png),
  });
  expect(res.status).toBe(202);
  return ((await res.json()) as { photo: PhotoBody }).photo;
}

/** Uploads a PNG and drives it to ready; returns the photo as GET /photos/{id} shows it. */
export async function readyPng(
  h: AppHarness,
  owner = 'dev',
  png: TinyPngOptions & { filename?: string } = {},
): Promise<PhotoBody> {
  const uploaded = await uploadPng(h, owner, png);
  await h.makeReady(uploaded.id, owner);
  return getPhoto(h, uploaded.id, owner);
}

/** GET /photos/{id}, which must answer 200. */
export async function getPhoto(h: AppHarness, id: string, owner = 'dev'): Promise<PhotoBody> {
  const res = await h.app.request(`/photos/${id}`, { headers: as(owner) });
  expect(res.status).toBe(200);
  return (await res.json()) as PhotoBody;
}

/** Every property name in a JSON value, at any depth. */
export function keysDeep(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(keysDeep);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [k, ...keysDeep(v)]);
  }
  return [];
}

/**
 * A body of `total` bytes (starting with `head`) that streams without a
 * Content-Length, as a chunked upload does, and counts what the server pulled.
 */
export function chunkedBody(total: number, head: Uint8Array = new Uint8Array(0)) {
  let pulled = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled >= total) return controller.close();
      const chunk = new Uint8Array(Math.min(64 * 1024, total - pulled));
      if (pulled === 0) chunk.set(head.subarray(0, chunk.byteLength));
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
    },
  });
  // `duplex` is required by fetch for a streamed body, and missing from RequestInit's type.
  return { init: { body: stream, duplex: 'half' } as RequestInit, pulled: () => pulled };
}
