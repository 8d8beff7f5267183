import type { Context } from 'hono';
import { InvalidInputError, UnsupportedMediaTypeError } from '../../domain/errors.js';
import { readBounded } from './read-body.js';

// A RegisterUpload body is three short fields.
const MAX_JSON_BODY_BYTES = 16 * 1024;
// Multipart framing around a direct upload's file: the file itself is checked exactly by the use case.
const MULTIPART_OVERHEAD = 64 * 1024;

const mediaType = (c: Context): string =>
  (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';

/**
 * The JSON object of a small request body (`POST /uploads` and the upload
 * routes): 415 unless sent as application/json, 413 past `maxBytes` (16 KiB
 * by default), 400 when it does not parse.
 */
export async function readJsonBody(c: Context, maxBytes = MAX_JSON_BODY_BYTES): Promise<unknown> {
  const type = mediaType(c);
  if (type !== 'application/json') {
    throw new UnsupportedMediaTypeError(
      `send the body as application/json, not ${type || 'no Content-Type'}`,
    );
  }
  // Bounded: a chunked body declares no length, and must not be buffered whole.
  const text = new TextDecoder().decode(await readBounded(c.req.raw, maxBytes));
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError('the body must be a JSON object', 'body');
  }
}

/**
 * The file of a direct upload (`POST /photos`): the `file` part of a multipart
 * body, with its filename, or a raw image or video body named by `?filename=` or
 * `X-Filename`. Read with a bound before parsing: a chunked body declares no
 * length, and formData() would otherwise buffer however much is sent.
 */
export async function readDirectUpload(
  c: Context,
  maxBytes: number,
): Promise<{ bytes: Uint8Array; filename: string }> {
  const type = mediaType(c);
  if (type === 'multipart/form-data') {
    const raw = await readBounded(c.req.raw, maxBytes + MULTIPART_OVERHEAD);
    const form = await new Response(raw as Uint8Array<ArrayBuffer>, {
      headers: { 'Content-Type': c.req.header('content-type') ?? '' },
    })
      .formData()
      .catch(() => {
        throw new InvalidInputError('the multipart body is malformed', 'file');
      });
    const file = form.get('file');
    if (!(file instanceof File))
      throw new InvalidInputError('the multipart body needs a `file` field', 'file');
    return { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name || 'upload' };
  }
  if (!type.startsWith('image/') && !type.startsWith('video/')) {
    throw new UnsupportedMediaTypeError(
      `send an image or video body (image/jpeg, png, webp, gif, avif, tiff, heic, heif; video/mp4, quicktime, webm, x-matroska), not ${type || 'no Content-Type'}`,
    );
  }
  return {
    bytes: await readBounded(c.req.raw, maxBytes),
    filename: c.req.query('filename') ?? c.req.header('x-filename') ?? 'upload',
  };
}
