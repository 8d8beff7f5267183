import { Hono } from 'hono';
import type { AbortUpload } from '../../application/use-cases/abort-upload.js';
import type { CompleteUpload } from '../../application/use-cases/complete-upload.js';
import type { GetUpload } from '../../application/use-cases/get-upload.js';
import type { RegisterUpload } from '../../application/use-cases/register-upload.js';
import type { SignUploadParts } from '../../application/use-cases/sign-upload-parts.js';
import type { Photo } from '../../domain/photo.js';
import { PhotoId } from '../../domain/photo-id.js';
import type { AppEnv } from './app-env.js';
import { toPhotoJson } from './photo-json.js';
import { CompleteUploadBody, RegisterUploadBody, SignPartsBody } from './schemas.js';
import { readJsonBody } from './upload-body.js';

/** What the upload routes need. */
export interface UploadRoutesDeps {
  readonly registerUpload: RegisterUpload;
  readonly signUploadParts: SignUploadParts;
  readonly getUpload: GetUpload;
  readonly completeUpload: CompleteUpload;
  readonly abortUpload: AbortUpload;
}

// Completing lists every part: up to 10,000 of them, about 80 bytes each.
const MAX_COMPLETE_BODY_BYTES = 1024 * 1024;

const photoIdOf = (raw: string): PhotoId => {
  const id = PhotoId.parse(raw);
  if (!id.ok) throw id.error;
  return id.value;
};

/** A photo of the upload routes: nothing to show yet, so no signed URLs. */
const photoJson = (photo: Photo) => toPhotoJson({ photo, urls: { renditions: {} } });

/**
 * `/uploads`: register an upload and answer with how to send its bytes (one
 * signed target, or a multipart upload over the threshold); for a multipart
 * upload, sign part URLs, report what has been received (to resume after a
 * reload), complete it, or abort it. The id of an upload is its photo's id.
 * Mounted under an authenticating app, which sets `owner`; another owner's
 * upload is not found.
 *
 * @example
 * app.route('/uploads', uploadRoutes({ registerUpload, signUploadParts, getUpload, completeUpload, abortUpload }));
 */
export function uploadRoutes(deps: UploadRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post('/', async (c) => {
    const body = RegisterUploadBody.parse(await readJsonBody(c));
    const result = await deps.registerUpload.execute({ ownerId: c.get('owner'), ...body });
    if (!result.ok) throw result.error;
    const { photo, upload } = result.value;
    return c.json({ photo: photoJson(photo), upload }, 201);
  });

  app.get('/:id', async (c) => {
    const result = await deps.getUpload.execute({
      ownerId: c.get('owner'),
      photoId: photoIdOf(c.req.param('id')),
    });
    if (!result.ok) throw result.error;
    const { photo, upload, receivedParts } = result.value;
    return c.json({ photo: photoJson(photo), ...(upload ? { upload } : {}), receivedParts });
  });

  app.post('/:id/parts', async (c) => {
    const photoId = photoIdOf(c.req.param('id'));
    const body = SignPartsBody.parse(await readJsonBody(c));
    const result = await deps.signUploadParts.execute({ ownerId: c.get('owner'), photoId, ...body });
    if (!result.ok) throw result.error;
    const { parts, expiresAt } = result.value;
    return c.json({
      parts: parts.map(({ partNumber, url, headers }) =>
        headers ? { partNumber, url, headers } : { partNumber, url },
      ),
      expiresAt,
    });
  });

  app.post('/:id/complete', async (c) => {
    const photoId = photoIdOf(c.req.param('id'));
    const body = CompleteUploadBody.parse(await readJsonBody(c, MAX_COMPLETE_BODY_BYTES));
    const result = await deps.completeUpload.execute({ ownerId: c.get('owner'), photoId, ...body });
    if (!result.ok) throw result.error;
    return c.json({ photo: photoJson(result.value) }, 202);
  });

  app.delete('/:id', async (c) => {
    const result = await deps.abortUpload.execute({
      ownerId: c.get('owner'),
      photoId: photoIdOf(c.req.param('id')),
    });
    if (!result.ok) throw result.error;
    return c.body(null, 204);
  });

  return app;
}
