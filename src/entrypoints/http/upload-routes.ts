import { Hono } from 'hono';
import type { RegisterUpload } from '../../application/use-cases/register-upload.js';
import type { AppEnv } from './app-env.js';
import { toPhotoJson } from './photo-json.js';
import { RegisterUploadBody } from './schemas.js';
import { readJsonBody } from './upload-body.js';

/** What the upload routes need. */
export interface UploadRoutesDeps {
  readonly registerUpload: RegisterUpload;
}

/**
 * `/uploads`: register an upload and answer with the signed target its bytes
 * go to. Mounted under an authenticating app, which sets `owner`.
 *
 * @example
 * app.route('/uploads', uploadRoutes({ registerUpload }));
 */
export function uploadRoutes(deps: UploadRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const body = RegisterUploadBody.parse(await readJsonBody(c));
    const result = await deps.registerUpload.execute({ ownerId: c.get('owner'), ...body });
    if (!result.ok) throw result.error;
    const { photo, upload } = result.value;
    return c.json({ photo: toPhotoJson({ photo, urls: { renditions: {} } }), upload }, 201);
  });

  return app;
}
