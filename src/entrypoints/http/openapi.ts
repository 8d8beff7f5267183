import * as z from 'zod';
import { ContentType } from '../../domain/content-type.js';
import { type Limits, maxUploadBytes } from '../../domain/limits.js';
import { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import {
  CompleteUploadBody,
  ListPhotosQuery,
  MultipartTargetJson,
  PhotoJson,
  PhotoPageJson,
  Problem,
  ReceivedPartJson,
  RegisterUploadBody,
  RegisterUploadResponse,
  Rendition,
  SignedPartJson,
  SignedPartsResponse,
  SignPartsBody,
  UploadPhotoResponse,
  UploadStatusResponse,
  UploadTargetJson,
} from './schemas.js';

type JsonObject = Record<string, unknown>;

/** What the document depends on: the running server's auth, limits, presets and routes. */
export interface OpenApiOptions {
  /** `dev`: the owner is the optional `X-Owner-Id` header; `bearer`: a JWT is required. */
  readonly auth: 'dev' | 'bearer';
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
  /** Whether this server serves the signed `/files` routes (dev server, Worker; not AWS). */
  readonly files: boolean;
}

// Components are generated from the zod schemas in one pass, so a schema used
// inside another (Photo inside a page) becomes a $ref rather than a copy.
const registry = z.registry<{ id: string }>();
registry.add(PhotoJson, { id: 'Photo' });
registry.add(Rendition, { id: 'Rendition' });
registry.add(UploadTargetJson, { id: 'UploadTarget' });
registry.add(MultipartTargetJson, { id: 'MultipartUpload' });
registry.add(SignedPartJson, { id: 'SignedPart' });
registry.add(SignedPartsResponse, { id: 'SignedParts' });
registry.add(ReceivedPartJson, { id: 'ReceivedPart' });
registry.add(UploadStatusResponse, { id: 'UploadStatus' });
registry.add(RegisterUploadResponse, { id: 'RegisteredUpload' });
registry.add(UploadPhotoResponse, { id: 'AcceptedPhoto' });
registry.add(PhotoPageJson, { id: 'PhotoPage' });
registry.add(Problem, { id: 'Problem' });

import { filesPaths } from './openapi-files.js';
import { inline, json, pattern, problems, ref } from './openapi-parts.js';

/**
 * The request body of `POST /uploads`, as the server accepts it. zod checks
 * the shape (400 when it is wrong); what the domain refuses with another
 * status is added here: a type outside the list is 415, a size over the limit
 * of its kind 413 (the maximum stated is a video's; a photo's is lower).
 */
function registerUploadBody(limits: Limits): JsonObject {
  const schema = inline(RegisterUploadBody, 'input') as { properties: Record<string, JsonObject> };
  Object.assign(schema.properties.contentType ?? {}, { enum: ContentType.declarable });
  Object.assign(schema.properties.size ?? {}, {
    maximum: maxUploadBytes(limits),
    description: `Exact size of the file in bytes; the upload target accepts exactly this many. At most ${limits.maxOriginalBytes} for a photo, ${limits.video.maxBytes} for a video.`,
  });
  // Each kind's own limit, in JSON Schema's words: an image type bounds the size lower.
  const images = ContentType.declarable.filter((t) => t.startsWith('image/'));
  const videos = ContentType.declarable.filter((t) => t.startsWith('video/'));
  const within = (types: string[], maximum: number) => ({
    if: { properties: { contentType: { enum: types } }, required: ['contentType'] },
    // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited
    then: { properties: { size: { maximum } } },
  });
  return {
    ...schema,
    allOf: [within(images, limits.maxOriginalBytes), within(videos, limits.video.maxBytes)],
  };
}

/**
 * The OpenAPI 3.1 document of the HTTP API as this server runs it: generated
 * from the same zod schemas that validate requests, with the limits, presets,
 * auth scheme and routes of this deployment.
 *
 * @example
 * const doc = openApiDocument({ auth: 'dev', limits, renditions, files: true });
 */
export function openApiDocument(options: OpenApiOptions): JsonObject {
  const { schemas } = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    unrepresentable: 'any',
  }) as { schemas: Record<string, JsonObject> };
  for (const schema of Object.values(schemas)) {
    delete schema.$schema;
    delete schema.$id;
  }
  const idParam = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string', pattern: pattern(PhotoId.pattern) },
    description: 'Photo id: a lower-case UUIDv7',
  };
  const query = inline(ListPhotosQuery, 'input') as { properties: Record<string, JsonObject> };
  const open: unknown[] = [];
  const paths = {
    '/uploads': {
      post: {
        operationId: 'registerUpload',
        summary: 'Register an upload and get a signed target for the bytes',
        description: `A file over ${options.limits.multipartThresholdBytes} bytes goes by multipart upload, in parts of ${options.limits.multipartPartBytes} bytes (the last one the rest); a smaller one in one request.`,
        requestBody: { required: true, content: json(registerUploadBody(options.limits)) },
        responses: {
          201: {
            description: 'Registered; send the bytes to `upload`',
            content: json(ref('RegisteredUpload')),
          },
          ...problems(400, 401, 413, 415, 429),
        },
      },
    },
    '/uploads/{id}': {
      get: {
        operationId: 'getUpload',
        summary: 'Where an upload stands: the parts received so far, to resume after a reload',
        description:
          'Moves the upload’s expiry forward. A pending upload in one request gets a fresh target for the whole file; once the bytes have landed there is no `upload`. 410 when storage no longer has the multipart upload.',
        parameters: [idParam],
        responses: {
          200: { description: 'The upload', content: json(ref('UploadStatus')) },
          ...problems(400, 401, 404, 410),
        },
      },
      delete: {
        operationId: 'abortUpload',
        summary: 'Cancel an upload: abort it and delete its photo; nothing is left in storage',
        description:
          '409 `upload-already-received` once the upload has completed: delete the photo with `DELETE /photos/{id}`.',
        parameters: [idParam],
        responses: { 204: { description: 'Aborted and deleted' }, ...problems(400, 401, 404, 409) },
      },
    },
    '/uploads/{id}/parts': {
      post: {
        operationId: 'signUploadParts',
        summary: 'Signed PUT URLs for parts of a multipart upload, each bound to its part’s exact size',
        parameters: [idParam],
        requestBody: { required: true, content: json(inline(SignPartsBody, 'input')) },
        responses: {
          200: { description: 'One URL per part asked', content: json(ref('SignedParts')) },
          ...problems(400, 401, 404, 409, 413, 415),
        },
      },
    },
    '/uploads/{id}/complete': {
      post: {
        operationId: 'completeUpload',
        summary: 'Join the parts of a multipart upload; the photo is then processed like any upload',
        description:
          'A part left out, not received, or listed with another ETag is a 400 naming it (`partNumber`), and the upload stays open. Completing again after it worked answers with the photo.',
        parameters: [idParam],
        requestBody: { required: true, content: json(inline(CompleteUploadBody, 'input')) },
        responses: {
          202: { description: 'Accepted; thumbnails are being made', content: json(ref('AcceptedPhoto')) },
          ...problems(400, 401, 404, 409, 410, 413, 415),
        },
      },
    },
    '/photos': {
      get: {
        operationId: 'listPhotos',
        summary: "List the caller's photos, newest first",
        parameters: Object.entries(query.properties).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
        responses: {
          200: { description: 'A page of photos', content: json(ref('PhotoPage')) },
          ...problems(400, 401),
        },
      },
      post: {
        operationId: 'uploadPhoto',
        summary: 'Upload a small photo or video directly (raw body or multipart `file`)',
        parameters: [
          {
            name: 'filename',
            in: 'query',
            required: false,
            description: 'Display name for a raw body (multipart takes the part’s filename)',
            schema: (inline(RegisterUploadBody, 'input') as { properties: Record<string, JsonObject> })
              .properties.filename,
          },
        ],
        requestBody: {
          required: true,
          content: {
            ...Object.fromEntries(
              ContentType.accepted.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }]),
            ),
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' } },
                required: ['file'],
              },
            },
          },
        },
        responses: {
          202: { description: 'Accepted; thumbnails are being made', content: json(ref('AcceptedPhoto')) },
          ...problems(400, 401, 413, 415, 429),
        },
      },
    },
    '/photos/{id}': {
      get: {
        operationId: 'getPhoto',
        summary: 'One photo',
        parameters: [idParam],
        responses: {
          200: { description: 'The photo', content: json(ref('Photo')) },
          ...problems(400, 401, 404),
        },
      },
      delete: {
        operationId: 'deletePhoto',
        summary: 'Delete a photo, its original and every rendition',
        parameters: [idParam],
        responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 404) },
      },
    },
    '/photos/{id}/original': {
      get: {
        operationId: 'getOriginal',
        summary: 'Redirect to a signed URL of the original',
        description: '404 `photo-rejected` when moderation blocked the photo.',
        parameters: [idParam],
        responses: { 302: { description: 'See Location' }, ...problems(400, 401, 404, 409) },
      },
    },
    '/photos/{id}/thumbnails/{preset}': {
      get: {
        operationId: 'getThumbnail',
        summary: 'Redirect to a signed URL of a rendition; 409 with Retry-After while not ready',
        description: '404 `photo-rejected` when moderation blocked the photo: none of its files is served.',
        parameters: [
          idParam,
          {
            name: 'preset',
            in: 'path',
            required: true,
            schema: { type: 'string', enum: options.renditions.presets.map((p) => p.name) },
          },
        ],
        responses: { 302: { description: 'See Location' }, ...problems(400, 401, 404, 409) },
      },
    },
    '/health': {
      get: {
        operationId: 'getHealth',
        summary: 'Liveness',
        security: open,
        responses: { 200: { description: 'OK', content: json({ type: 'object' }) } },
      },
    },
    '/openapi.json': {
      get: {
        operationId: 'getOpenApi',
        summary: 'This document',
        security: open,
        responses: { 200: { description: 'OpenAPI 3.1', content: json({ type: 'object' }) } },
      },
    },
    ...(options.files ? filesPaths(options.renditions) : {}),
  };
  const dev = options.auth === 'dev';
  return {
    openapi: '3.1.0',
    info: {
      title: 'Pixport',
      version: '1',
      description: 'Upload photos and videos, get thumbnails and playable MP4s, browse a gallery.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the API is where this document is served (`/` on the dev server, `/api/` behind CloudFront).
    servers: [{ url: '.', description: 'The server that serves this document' }],
    components: {
      schemas,
      securitySchemes: dev
        ? {
            devOwner: {
              type: 'apiKey',
              in: 'header',
              name: 'X-Owner-Id',
              description: 'Dev mode only: act as this owner; `dev` when absent',
            },
          }
        : { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    // In dev mode the header is optional: `{}` allows a request without it.
    security: dev ? [{ devOwner: [] }, {}] : [{ bearer: [] }],
    paths,
  };
}
