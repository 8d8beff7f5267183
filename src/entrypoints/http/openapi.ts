import { z } from 'zod';
import {
  ListPhotosQuery,
  PhotoJson,
  PhotoPageJson,
  Problem,
  RegisterUploadBody,
  RegisterUploadResponse,
  UploadPhotoResponse,
} from './schemas.js';

type JsonObject = Record<string, unknown>;

const clean = (schema: JsonObject): JsonObject => {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
};

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (schema: JsonObject) => ({ 'application/json': { schema } });
const problems = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      { description: 'A problem', content: { 'application/problem+json': { schema: ref('Problem') } } },
    ]),
  );
const inline = (schema: z.ZodType, io: 'input' | 'output' = 'output') =>
  clean(z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject);

let cached: JsonObject | undefined;

/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the same zod
 * schemas that validate requests.
 */
export function openApiDocument(): JsonObject {
  if (cached) return cached;
  const components: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries({ Photo: PhotoJson, Problem })) components[id] = inline(schema);
  components.Rendition = inline(PhotoJson.shape.renditions.unwrap().element);
  const idParam = {
    name: 'id',
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'Photo id (UUIDv7)',
  };
  const query = inline(ListPhotosQuery, 'input') as { properties: Record<string, JsonObject> };
  const paths = {
    '/uploads': {
      post: {
        summary: 'Register an upload and get a signed target for the bytes',
        requestBody: { required: true, content: json(inline(RegisterUploadBody, 'input')) },
        responses: {
          201: {
            description: 'Registered; send the bytes to `upload`',
            content: json(inline(RegisterUploadResponse)),
          },
          ...problems(400, 401, 413, 415),
        },
      },
    },
    '/photos': {
      get: {
        summary: "List the caller's photos, newest first",
        parameters: Object.entries(query.properties).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
        responses: {
          200: { description: 'A page of photos', content: json(inline(PhotoPageJson)) },
          ...problems(400, 401),
        },
      },
      post: {
        summary: 'Upload a small photo directly (raw body or multipart `file`)',
        requestBody: {
          required: true,
          content: {
            'image/*': { schema: { type: 'string', format: 'binary' } },
            'multipart/form-data': {
              schema: {
                type: 'object',
                properties: { file: { type: 'string', format: 'binary' } },
                required: ['file'],
              },
            },
          },
        },
        responses: {
          202: {
            description: 'Accepted; thumbnails are being made',
            content: json(inline(UploadPhotoResponse)),
          },
          ...problems(400, 401, 413, 415),
        },
      },
    },
    '/photos/{id}': {
      get: {
        summary: 'One photo',
        parameters: [idParam],
        responses: {
          200: { description: 'The photo', content: json(ref('Photo')) },
          ...problems(400, 401, 404),
        },
      },
      delete: {
        summary: 'Delete a photo, its original and every rendition',
        parameters: [idParam],
        responses: { 204: { description: 'Deleted' }, ...problems(400, 401, 404) },
      },
    },
    '/photos/{id}/original': {
      get: {
        summary: 'Redirect to a signed URL of the original',
        parameters: [idParam],
        responses: { 302: { description: 'See Location' }, ...problems(400, 401, 404, 409) },
      },
    },
    '/photos/{id}/thumbnails/{preset}': {
      get: {
        summary: 'Redirect to a signed URL of a rendition; 409 with Retry-After while not ready',
        parameters: [idParam, { name: 'preset', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { 302: { description: 'See Location' }, ...problems(400, 401, 404, 409) },
      },
    },
    '/health': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'OK' } } } },
    '/openapi.json': {
      get: { summary: 'This document', security: [], responses: { 200: { description: 'OpenAPI 3.1' } } },
    },
  };
  cached = {
    openapi: '3.1.0',
    info: { title: 'Pixport', version: '1', description: 'Upload photos, get thumbnails, browse a gallery.' },
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
    security: [{ bearer: [] }],
    paths,
  };
  return cached;
}
