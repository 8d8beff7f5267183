import { Hono } from 'hono';
import type { HmacUrlSigner } from '../../adapters/crypto/hmac-url-signer.js';
import { contentDisposition } from '../../adapters/wire/content-disposition.js';
import type { BlobStore } from '../../application/ports/blob-store.js';
import type { AcceptUpload } from '../../application/use-cases/accept-upload.js';
import { InvalidSignatureError, UploadAlreadyReceivedError } from '../../domain/errors.js';
import { StorageKeys } from '../../domain/storage-keys.js';
import { parseByteRange } from './byte-range.js';
import {
  ContentTypeMismatchError,
  FileNotFoundError,
  RangeNotSatisfiableError,
  SizeMismatchError,
} from './errors.js';
import { readBounded } from './read-body.js';

/**
 * Where the part route puts the parts of multipart uploads: the memory store
 * or R2 (`InMemoryMultipartUploads`, `R2MultipartUploads`).
 */
export interface PartStore {
  /** Stores part `partNumber` of the upload; its ETag (quoted), or undefined when there is no such upload. */
  putPart(key: string, uploadId: string, partNumber: number, bytes: Uint8Array): Promise<string | undefined>;
}

export interface FilesRoutesDeps {
  readonly signer: HmacUrlSigner;
  readonly blobs: BlobStore;
  readonly acceptUpload: AcceptUpload;
  /** Takes the parts of multipart uploads; without it there is no part route. */
  readonly parts?: PartStore;
}

const decodeKey = (path: string): string => {
  try {
    return path.split('/').map(decodeURIComponent).join('/');
  } catch {
    throw new InvalidSignatureError('the signed path is malformed');
  }
};

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.byteLength; i++) if (a[i] !== b[i]) return false;
  return true;
}

const PART_PATH = /^(originals\/[^/]+\/[^/]+)\/parts\/([0-9]{1,5})$/;

/**
 * The `/files/*` routes that back the HMAC UrlSigner: the signature is the
 * authorisation, so these routes take no identity. GET serves an object; PUT
 * is the upload target of a signed upload; PUT `.../parts/{n}` takes one part
 * of a multipart upload and answers 200 with its ETag, as S3 does. A GET with
 * one `Range` is answered 206 with those bytes alone, so a player can seek in
 * a video without loading it (416 for a range past the end).
 */
export function filesRoutes(deps: FilesRoutesDeps): Hono {
  const app = new Hono();
  const { parts } = deps;

  if (parts) {
    app.put('/originals/:owner/:photo/parts/:part', async (c) => {
      const match = PART_PATH.exec(c.req.path.replace(/^.*?\/files\//, ''));
      if (!match) throw new InvalidSignatureError('not a part URL');
      const key = decodeKey(match[1] as string);
      const grant = await deps.signer.verifyPart(key, Number(match[2]), new URL(c.req.url).searchParams);
      if (!grant.ok) throw grant.error;
      const parsed = StorageKeys.parse(key);
      if (!parsed.ok || parsed.value.kind !== 'original') throw new InvalidSignatureError('not a part URL');
      const target = { ownerId: parsed.value.ownerId, photoId: parsed.value.photoId };
      // Everything is checked before anything is stored; a part's type is not (S3 ignores it too).
      const awaits = await deps.acceptUpload.awaitsUpload(target);
      if (!awaits.ok) throw awaits.error;
      if (!awaits.value) throw new UploadAlreadyReceivedError(target.photoId);
      const { uploadId, partNumber, size } = grant.value;
      const bytes = await readBounded(c.req.raw, size);
      if (bytes.byteLength !== size) throw new SizeMismatchError(size, bytes.byteLength);
      const etag = await parts.putPart(key, uploadId, partNumber, bytes);
      if (etag === undefined) throw new FileNotFoundError('the multipart upload does not exist (any more)');
      return c.body(null, 200, { ETag: etag });
    });
  }

  app.get('/*', async (c) => {
    const key = decodeKey(c.req.path.replace(/^.*?\/files\//, ''));
    const grant = await deps.signer.verify('GET', key, new URL(c.req.url).searchParams);
    if (!grant.ok) throw grant.error;
    const head = await deps.blobs.head(key);
    if (!head) throw new FileNotFoundError();
    const range = parseByteRange(c.req.header('range'), head.size);
    if (range.kind === 'unsatisfiable') throw new RangeNotSatisfiableError(head.size);
    const isRendition = key.startsWith(StorageKeys.renditionsPrefix);
    const headers: Record<string, string> = {
      'Content-Type':
        grant.value.method === 'GET' && grant.value.contentType
          ? grant.value.contentType
          : (head.contentType ?? 'application/octet-stream'),
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      // The URL expires, but the bytes behind a key never change: renditions may be cached for good.
      'Cache-Control': isRendition ? 'private, max-age=31536000, immutable' : 'private, max-age=86400',
    };
    if (grant.value.method === 'GET' && grant.value.downloadName) {
      headers['Content-Disposition'] = contentDisposition(grant.value.downloadName);
    }
    if (range.kind === 'range') {
      const bytes = await deps.blobs.getRange(key, range.start, range.end + 1);
      if (!bytes) throw new FileNotFoundError();
      headers['Content-Range'] = `bytes ${range.start}-${range.end}/${head.size}`;
      headers['Content-Length'] = String(bytes.byteLength);
      return new Response(bytes as Uint8Array<ArrayBuffer>, { status: 206, headers });
    }
    const object = await deps.blobs.get(key);
    if (!object) throw new FileNotFoundError();
    headers['Content-Length'] = String(object.size);
    return new Response(object.bytes as Uint8Array<ArrayBuffer>, { status: 200, headers });
  });

  app.put('/*', async (c) => {
    const key = decodeKey(c.req.path.replace(/^.*?\/files\//, ''));
    const grant = await deps.signer.verify('PUT', key, new URL(c.req.url).searchParams);
    if (!grant.ok) throw grant.error;
    if (grant.value.method !== 'PUT') throw new InvalidSignatureError('not an upload URL');
    const parsed = StorageKeys.parse(key);
    if (!parsed.ok || parsed.value.kind !== 'original') throw new InvalidSignatureError('not an upload URL');
    const sent = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    if (sent !== grant.value.contentType) {
      throw new ContentTypeMismatchError(grant.value.contentType);
    }
    // Everything is checked before anything is stored.
    const target = { ownerId: parsed.value.ownerId, photoId: parsed.value.photoId };
    const awaits = await deps.acceptUpload.awaitsUpload(target);
    if (!awaits.ok) throw awaits.error;
    const bytes = await readBounded(c.req.raw, grant.value.size);
    if (bytes.byteLength !== grant.value.size) {
      throw new SizeMismatchError(grant.value.size, bytes.byteLength);
    }
    if (!awaits.value) {
      // The URL was used before. A client retrying the same bytes (its first
      // answer lost) succeeds; other bytes never replace an original whose
      // renditions are made or being made from it.
      const stored = await deps.blobs.get(key);
      if (stored && sameBytes(stored.bytes, bytes)) return c.body(null, 204);
      throw new UploadAlreadyReceivedError(target.photoId);
    }
    await deps.blobs.put(key, bytes, { contentType: grant.value.contentType });
    const accepted = await deps.acceptUpload.execute(target);
    // An upload for a photo deleted meanwhile: drop the bytes so nothing is orphaned.
    if (!accepted.ok) {
      await deps.blobs.deleteMany([key]);
      throw accepted.error;
    }
    return c.body(null, 204);
  });

  return app;
}
