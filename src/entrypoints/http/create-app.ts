import { Hono, type MiddlewareHandler } from 'hono';
import type { AbortUpload } from '../../application/use-cases/abort-upload.js';
import type { CompleteUpload } from '../../application/use-cases/complete-upload.js';
import type { DeletePhoto } from '../../application/use-cases/delete-photo.js';
import type { GetPhoto } from '../../application/use-cases/get-photo.js';
import type { GetUpload } from '../../application/use-cases/get-upload.js';
import type { ListGallery } from '../../application/use-cases/list-gallery.js';
import type { RegisterUpload } from '../../application/use-cases/register-upload.js';
import type { SignUploadParts } from '../../application/use-cases/sign-upload-parts.js';
import type { UploadPhoto } from '../../application/use-cases/upload-photo.js';
import type { Limits } from '../../domain/limits.js';
import type { RenditionSettings } from '../../domain/presets.js';
import type { AppEnv } from './app-env.js';
import { cors } from './cors.js';
import { type FilesRoutesDeps, filesRoutes } from './files-routes.js';
import type { IdentityResolver } from './identity.js';
import { openApiDocument } from './openapi.js';
import { photoRoutes } from './photo-routes.js';
import { problemResponse, toProblem } from './problem.js';
import { requestId } from './request-id.js';
import { jsonLog, type Log, requestLog } from './request-log.js';
import { unmatched } from './unmatched.js';
import { uploadRoutes } from './upload-routes.js';

export type { LogEntry } from './request-log.js';

export interface AppDeps {
  readonly useCases: {
    readonly registerUpload: RegisterUpload;
    readonly uploadPhoto: UploadPhoto;
    readonly listGallery: ListGallery;
    readonly getPhoto: GetPhoto;
    readonly deletePhoto: DeletePhoto;
    readonly signUploadParts: SignUploadParts;
    readonly getUpload: GetUpload;
    readonly completeUpload: CompleteUpload;
    readonly abortUpload: AbortUpload;
  };
  readonly identity: IdentityResolver;
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
  /** Origins allowed by CORS; `*` allows any. */
  readonly allowedOrigins: readonly string[];
  /** The `/files` routes, for UrlSigners that sign with HMAC (memory, Cloudflare). */
  readonly files?: FilesRoutesDeps;
  /** Where structured logs go (default: one JSON line on stdout). */
  readonly log?: Log;
}

/**
 * Builds the HTTP API: every runtime (Node, Lambda, Workers) serves this one
 * `fetch` function, and only translates its events to and from it. The
 * routes live beside it (`uploadRoutes`, `photoRoutes`, `filesRoutes`); this
 * function adds what they share: request ids, the request log, CORS, identity,
 * the one error mapping and the OpenAPI document.
 *
 * @example
 * const app = createApp(deps);
 * const res = await app.request('/photos', { headers: { 'X-Owner-Id': 'alice' } });
 */
export function createApp(deps: AppDeps): Hono<AppEnv> {
  const { useCases, identity, limits, renditions } = deps;
  const log = deps.log ?? jsonLog;
  const app = new Hono<AppEnv>();

  app.use(requestId());
  app.use(requestLog(log));
  app.use(
    cors({
      origins: deps.allowedOrigins,
      allowHeaders: ['Authorization', 'Content-Type', 'X-Owner-Id'],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS'],
      // ETag: a part PUT to `/files` answers with it, and completing a multipart upload needs it back.
      exposeHeaders: ['ETag', 'Location', 'Retry-After', 'X-Request-Id'],
      maxAge: 600,
    }),
  );

  app.onError((error, c) => {
    const { body } = toProblem(error);
    if (body.status >= 500) {
      log({
        level: 'error',
        msg: 'unhandled error',
        requestId: c.get('requestId'),
        error:
          error instanceof Error
            ? { name: error.name, message: error.message, stack: error.stack }
            : String(error),
      });
    }
    return problemResponse(error, c.get('requestId'));
  });
  app.notFound((c) => problemResponse(unmatched(app.routes, c), c.get('requestId')));

  let openApi: Record<string, unknown> | undefined;
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('/openapi.json', (c) => {
    openApi ??= openApiDocument({
      auth: identity.scheme,
      limits,
      renditions,
      files: deps.files !== undefined,
    });
    return c.json(openApi);
  });
  if (deps.files) app.route('/files', filesRoutes(deps.files));

  // Identity is resolved on the API routes only: /health, /openapi.json, /files
  // (authorised by their signature) and whatever a runtime serves beside the
  // API (the gallery page) need none, and an unknown route is a 404, not a 401.
  const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
    c.set('owner', await identity(c));
    await next();
  };
  for (const path of ['/uploads', '/uploads/*', '/photos', '/photos/*']) app.use(path, authenticate);

  app.route('/uploads', uploadRoutes(useCases));
  app.route('/photos', photoRoutes({ ...useCases, limits, renditions }));
  return app;
}
