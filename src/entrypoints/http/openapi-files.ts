import { ContentType } from '../../domain/content-type.js';
import { MAX_PARTS } from '../../domain/multipart-plan.js';
import { OwnerId } from '../../domain/owner-id.js';
import { PhotoId } from '../../domain/photo-id.js';
import { type RenditionSettings, RenditionSettings as Renditions } from '../../domain/presets.js';
import { pattern, problems } from './openapi-parts.js';

type JsonObject = Record<string, unknown>;

const SIGNED_QUERY = [
  {
    name: 'exp',
    description: 'Expiry, seconds since the epoch',
    schema: { type: 'string', pattern: '^[0-9]+$' },
  },
  { name: 'sig', description: 'HMAC-SHA256 signature, base64url', schema: { type: 'string' } },
].map((p) => ({ ...p, in: 'query', required: true }));

/** The signed `/files` routes that stand in for S3 or R2 on the dev server and the Worker. */
export function filesPaths(renditions: RenditionSettings): JsonObject {
  const owner = {
    name: 'ownerId',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: pattern(OwnerId.pattern) },
  };
  const photo = {
    name: 'photoId',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: pattern(PhotoId.pattern) },
  };
  const ext = Renditions.extension(renditions.format);
  // A video's MP4 and poster are served beside its renditions.
  const files = [...renditions.presets.map((p) => `${p.name}.${ext}`), 'video.mp4', 'poster.jpg'];
  const bytes = { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } };
  const acceptRanges = {
    'Accept-Ranges': { description: '`bytes`: a `Range` is honoured', schema: { type: 'string' } },
  };
  const range = {
    name: 'Range',
    in: 'header',
    required: false,
    description: 'One byte range, e.g. `bytes=0-1023`, `bytes=1024-` or `bytes=-500`; several are ignored',
    schema: { type: 'string' },
  };
  const served = {
    200: { description: 'The bytes', headers: acceptRanges, content: bytes },
    206: {
      description: 'The bytes of the range asked for',
      headers: {
        ...acceptRanges,
        'Content-Range': { description: '`bytes start-end/size`', schema: { type: 'string' } },
      },
      content: bytes,
    },
    ...problems(403, 404, 416),
  };
  const security: unknown[] = [];
  return {
    '/files/originals/{ownerId}/{photoId}': {
      get: {
        operationId: 'getOriginalFile',
        summary: 'Serve an original through a signed URL (from `urls.original`)',
        security,
        parameters: [
          owner,
          photo,
          ...SIGNED_QUERY,
          { name: 'dn', in: 'query', required: false, schema: { type: 'string' } },
          { name: 'ct', in: 'query', required: false, schema: { type: 'string' } },
          range,
        ],
        responses: served,
      },
      put: {
        operationId: 'putOriginalFile',
        summary: 'Upload the bytes of a registered upload (the `upload.url` of `POST /uploads`)',
        security,
        parameters: [
          owner,
          photo,
          ...SIGNED_QUERY,
          {
            name: 'ct',
            in: 'query',
            required: true,
            schema: { type: 'string', enum: ContentType.accepted },
          },
          { name: 'len', in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
        ],
        requestBody: {
          required: true,
          description: 'Exactly `len` bytes, sent with Content-Type `ct`',
          content: Object.fromEntries(
            ContentType.accepted.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]),
          ),
        },
        responses: {
          204: { description: 'Stored; thumbnails are being made' },
          ...problems(400, 403, 404, 409, 413, 415),
        },
      },
    },
    '/files/originals/{ownerId}/{photoId}/parts/{partNumber}': {
      put: {
        operationId: 'putUploadPart',
        summary: 'Upload one part of a multipart upload (a `url` of `POST /uploads/{id}/parts`)',
        security,
        parameters: [
          owner,
          photo,
          {
            name: 'partNumber',
            in: 'path',
            required: true,
            schema: { type: 'integer', minimum: 1, maximum: MAX_PARTS },
          },
          { name: 'uploadId', in: 'query', required: true, schema: { type: 'string' } },
          { name: 'len', in: 'query', required: true, schema: { type: 'string', pattern: '^[0-9]+$' } },
          ...SIGNED_QUERY,
        ],
        requestBody: {
          required: true,
          description: 'Exactly `len` bytes: this part of the file, of any Content-Type',
          content: { '*/*': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } },
        },
        responses: {
          200: {
            description: 'Stored; keep the ETag for completing the upload',
            headers: {
              ETag: {
                description: 'The part’s ETag, quoted; CORS exposes it',
                schema: { type: 'string' },
              },
            },
          },
          ...problems(400, 403, 404, 409, 413),
        },
      },
    },
    '/files/renditions/{ownerId}/{photoId}/{file}': {
      get: {
        operationId: 'getRenditionFile',
        summary:
          "Serve a rendition through a signed URL (from `urls.thumbnails`), or a video's MP4 (`urls.video.mp4`)",
        security,
        parameters: [
          owner,
          photo,
          { name: 'file', in: 'path', required: true, schema: { type: 'string', enum: files } },
          ...SIGNED_QUERY,
          { name: 'ct', in: 'query', required: false, schema: { type: 'string' } },
          range,
        ],
        responses: served,
      },
    },
  };
}
