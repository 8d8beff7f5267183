import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fc, test } from '@fast-check/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { checkFilename } from '../../../src/application/use-cases/register-upload.js';
import { defaultLimits } from '../../../src/domain/limits.js';
import { defaultRenditionSettings } from '../../../src/domain/presets.js';
import { type OpenApiOptions, openApiDocument } from '../../../src/entrypoints/http/openapi.js';
import { Filename } from '../../../src/entrypoints/http/schemas.js';
import { createAppHarness } from '../../support/app-harness.js';
import { as, expectProblem, postUploads } from './http-helpers.js';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'pixport-openapi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Doc = {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
  security: unknown[];
  servers: unknown[];
  info: { license?: unknown };
};
type Operation = {
  operationId?: string;
  parameters?: { name: string; in: string; schema: { pattern?: string; enum?: string[] } }[];
  requestBody?: { content: Record<string, { schema: Record<string, unknown> }> };
};

const VARIANTS: Record<string, OpenApiOptions> = {
  'the dev server (dev identity, /files)': {
    auth: 'dev',
    limits: defaultLimits,
    renditions: defaultRenditionSettings,
    files: true,
  },
  'the Worker (bearer, /files)': {
    auth: 'bearer',
    limits: defaultLimits,
    renditions: defaultRenditionSettings,
    files: true,
  },
  'the http Lambda (bearer, S3 serves the bytes)': {
    auth: 'bearer',
    limits: defaultLimits,
    renditions: defaultRenditionSettings,
    files: false,
  },
};

type LintProblem = { ruleId: string; severity: string; message: string; location: { pointer: string }[] };

/** Redocly CLI's `recommended` rules over the document, offline (no telemetry, no update check). */
async function lint(doc: unknown): Promise<{ totals: { errors: number }; problems: LintProblem[] }> {
  const file = join(dir, `${crypto.randomUUID()}.json`);
  writeFileSync(file, JSON.stringify(doc, null, 2));
  const { stdout } = await run(
    join('node_modules', '.bin', 'redocly'),
    ['lint', file, '--extends=recommended', '--format=json'],
    {
      env: {
        ...process.env,
        REDOCLY_TELEMETRY: 'off',
        REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        NO_COLOR: '1',
      },
    },
  ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return JSON.parse(stdout);
}

// Warnings the document keeps on purpose: the two redirect routes answer 302
// and nothing in 2xx (the bytes come from a signed URL), and /health and
// /openapi.json have no client error to report.
const ACCEPTED_WARNINGS = new Set([
  'operation-2xx-response #/paths/~1photos~1{id}~1original/get/responses',
  'operation-2xx-response #/paths/~1photos~1{id}~1thumbnails~1{preset}/get/responses',
  'operation-4xx-response #/paths/~1health/get/responses',
  'operation-4xx-response #/paths/~1openapi.json/get/responses',
]);

describe.each(Object.entries(VARIANTS))('the OpenAPI document of %s', (_, options) => {
  const doc = openApiDocument(options) as unknown as Doc;

  it("passes Redocly's recommended rules with 0 errors and no unexplained warning", async () => {
    const report = await lint(doc);
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
    const unexplained = report.problems
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}`)
      .filter((w) => !ACCEPTED_WARNINGS.has(w));
    expect(unexplained).toEqual([]);
  }, 30_000);

  it('names every operation, states its licence and its server, and uses every component', () => {
    const operations = Object.values(doc.paths).flatMap((ops) => Object.values(ops));
    const ids = operations.map((op) => op.operationId);
    expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.info.license).toMatchObject({ name: 'MIT' });
    expect(doc.servers).toHaveLength(1);
    const text = JSON.stringify({ paths: doc.paths, components: doc.components.schemas });
    for (const name of Object.keys(doc.components.schemas)) {
      expect(text, name).toContain(`"#/components/schemas/${name}"`);
    }
  });

  it('describes the photo id as a lower-case UUIDv7 wherever it is a path parameter', () => {
    const idParams = Object.values(doc.paths)
      .flatMap((ops) => Object.values(ops))
      .flatMap((op) => op.parameters ?? [])
      .filter((p) => p.name === 'id' || p.name === 'photoId');
    expect(idParams.length).toBeGreaterThanOrEqual(options.files ? 7 : 4);
    for (const p of idParams) {
      const re = new RegExp(p.schema.pattern ?? '');
      expect(re.test('0190f3a2-7b1c-7d2e-8f3a-0123456789ab')).toBe(true);
      expect(re.test('0190F3A2-7B1C-7D2E-8F3A-0123456789AB')).toBe(false);
      expect(re.test('0190f3a2-7b1c-4d2e-8f3a-0123456789ab')).toBe(false);
    }
  });

  it(`documents ${options.files ? '' : 'no '}signed /files routes and its own auth scheme`, () => {
    const files = Object.keys(doc.paths).filter((p) => p.startsWith('/files/'));
    if (options.files) {
      expect(Object.keys(doc.paths['/files/originals/{ownerId}/{photoId}'] ?? {}).sort()).toEqual([
        'get',
        'put',
      ]);
      expect(Object.keys(doc.paths['/files/renditions/{ownerId}/{photoId}/{file}'] ?? {})).toEqual(['get']);
    } else {
      expect(files).toEqual([]);
    }
    if (options.auth === 'dev') {
      expect(doc.components.securitySchemes).toEqual({
        devOwner: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Owner-Id' }),
      });
      expect(doc.security).toEqual([{ devOwner: [] }, {}]);
    } else {
      expect(Object.keys(doc.components.securitySchemes)).toEqual(['bearer']);
      expect(doc.security).toEqual([{ bearer: [] }]);
    }
  });
});

describe.each(Object.entries(VARIANTS))('the upload operations in the document of %s', (_, options) => {
  const doc = openApiDocument(options) as unknown as Doc & {
    paths: Record<
      string,
      Record<string, Operation & { responses: Record<string, unknown>; description?: string }>
    >;
  };
  const body = (path: string) =>
    doc.paths[path]?.post?.requestBody?.content['application/json']?.schema as {
      properties: Record<string, { minItems?: number; maxItems?: number; items?: Record<string, unknown> }>;
      additionalProperties: boolean;
    };

  it('names each operation and what it answers', () => {
    const ops = Object.fromEntries(
      Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/uploads/'))
        .flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, op]) => [
            `${method.toUpperCase()} ${path}`,
            `${op.operationId} ${Object.keys(op.responses).join(',')}`,
          ]),
        ),
    );
    expect(ops).toEqual({
      'GET /uploads/{id}': 'getUpload 200,400,401,404,410',
      'DELETE /uploads/{id}': 'abortUpload 204,400,401,404,409',
      'POST /uploads/{id}/parts': 'signUploadParts 200,400,401,404,409,413,415',
      'POST /uploads/{id}/complete': 'completeUpload 202,400,401,404,409,410,413,415',
    });
  });

  it('states the limits on part numbers, strict bodies, and where multipart starts', () => {
    expect(body('/uploads/{id}/parts').properties.partNumbers).toMatchObject({
      minItems: 1,
      maxItems: 100,
      items: { minimum: 1, maximum: 10_000 },
    });
    expect(body('/uploads/{id}/parts').additionalProperties).toBe(false);
    expect(body('/uploads/{id}/complete').properties.parts).toMatchObject({ minItems: 1, maxItems: 10_000 });
    expect(doc.paths['/uploads']?.post?.description).toContain(
      `over ${options.limits.multipartThresholdBytes} bytes goes by multipart upload`,
    );
    const registered = JSON.stringify(doc.components.schemas.RegisteredUpload);
    expect(registered).toContain('#/components/schemas/MultipartUpload');
    expect(registered).toContain('#/components/schemas/UploadTarget');
    expect(JSON.stringify(doc.components.schemas.Problem)).toContain('partNumber');
  });

  it(`documents ${options.files ? 'the' : 'no'} /files part route, whose answer carries the ETag`, () => {
    const part = doc.paths['/files/originals/{ownerId}/{photoId}/parts/{partNumber}']?.put as
      | (Operation & { responses: Record<string, { headers?: Record<string, unknown> }> })
      | undefined;
    if (!options.files) {
      expect(part).toBeUndefined();
      return;
    }
    expect(part?.operationId).toBe('putUploadPart');
    expect(Object.keys(part?.responses['200']?.headers ?? {})).toEqual(['ETag']);
    expect(part?.parameters?.map((p) => `${p.in}:${p.name}`).sort()).toEqual(
      [
        'path:ownerId',
        'path:photoId',
        'path:partNumber',
        'query:uploadId',
        'query:len',
        'query:exp',
        'query:sig',
      ].sort(),
    );
  });
});

describe('what the document allows, the server accepts', () => {
  const doc = openApiDocument(
    VARIANTS['the dev server (dev identity, /files)'] as OpenApiOptions,
  ) as unknown as Doc;
  type SizeBound = {
    if: { properties: { contentType: { enum: string[] } } };
    then: { properties: { size: { maximum: number } } };
  };
  const body = doc.paths['/uploads']?.post?.requestBody?.content['application/json']?.schema as {
    properties: {
      filename: { pattern: string; maxLength: number };
      contentType: { enum: string[] };
      size: { minimum: number; maximum: number };
    };
    allOf: SizeBound[];
  };
  /** The most the document allows for a declared type: the bound of its kind. */
  const maximumFor = (contentType: string): number => {
    const bound = body.allOf.find((b) => b.if.properties.contentType.enum.includes(contentType));
    return bound?.then.properties.size.maximum ?? body.properties.size.maximum;
  };

  it("bounds the size by the configured limit of each kind, the larger a video's", () => {
    expect(body.properties.size).toMatchObject({ minimum: 1, maximum: defaultLimits.video.maxBytes });
    expect(maximumFor('image/jpeg')).toBe(defaultLimits.maxOriginalBytes);
    expect(maximumFor('image/jpg')).toBe(defaultLimits.maxOriginalBytes);
    expect(maximumFor('video/quicktime')).toBe(defaultLimits.video.maxBytes);
    for (const type of body.properties.contentType.enum) {
      expect(body.allOf.filter((b) => b.if.properties.contentType.enum.includes(type))).toHaveLength(1);
    }
  });

  test.prop(
    [
      fc.stringMatching(new RegExp(body.properties.filename.pattern)).filter((s) => s.length <= 255),
      fc
        .constantFrom(...body.properties.contentType.enum)
        .chain((type) => fc.tuple(fc.constant(type), fc.integer({ min: 1, max: maximumFor(type) }))),
    ],
    { numRuns: 60 },
  )('registers every upload the request schema allows', async (filename, [contentType, size]) => {
    const h = createAppHarness();
    const res = await postUploads(h, { filename, contentType, size }, as('fuzz'));
    expect(res.status).toBe(201);
  });

  test.prop([
    fc.string({
      maxLength: 255,
      unit: fc.constantFrom('a', ' ', '/', '\\', '\u0000', '\u001f', '\u007f', 'é', '\u00a0', '\t'),
    }),
  ])('states the same filename rule as the use case', (name) => {
    expect(Filename.safeParse(name).success).toBe(checkFilename(name).ok);
  });

  it("answers a declared type outside the enum with 415, and a size over its kind's maximum with 413", async () => {
    const h = createAppHarness();
    await expectProblem(
      await postUploads(h, { filename: 'a.svg', contentType: 'image/svg+xml', size: 10 }),
      415,
      'unsupported-media-type',
    );
    await expectProblem(
      await postUploads(h, {
        filename: 'a.png',
        contentType: 'image/png',
        size: defaultLimits.maxOriginalBytes + 1,
      }),
      413,
      'file-too-large',
    );
    await expectProblem(
      await postUploads(h, {
        filename: 'a.mov',
        contentType: 'video/quicktime',
        size: defaultLimits.video.maxBytes + 1,
      }),
      413,
      'file-too-large',
    );
  });

  it.each([
    ['text/plain', '{"filename":"a.png","contentType":"image/png","size":1}'],
    ['application/x-www-form-urlencoded', 'filename=a.png'],
    [undefined, '{"filename":"a.png","contentType":"image/png","size":1}'],
  ])('answers POST /uploads sent as %s with 415', async (type, raw) => {
    const h = createAppHarness();
    const res = await h.app.request('/uploads', {
      method: 'POST',
      ...(type ? { headers: { 'Content-Type': type } } : {}),
      body: raw,
    });
    await expectProblem(res, 415, 'unsupported-media-type');
  });
});
