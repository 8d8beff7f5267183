import { Hono } from 'hono';
import type { DeletePhoto } from '../../application/use-cases/delete-photo.js';
import type { GetPhoto } from '../../application/use-cases/get-photo.js';
import type { ListGallery } from '../../application/use-cases/list-gallery.js';
import type { UploadPhoto } from '../../application/use-cases/upload-photo.js';
import { PhotoNotReadyError, PhotoRejectedError, PresetNotFoundError } from '../../domain/errors.js';
import type { Limits } from '../../domain/limits.js';
import { Photo } from '../../domain/photo.js';
import { PhotoId } from '../../domain/photo-id.js';
import type { RenditionSettings } from '../../domain/presets.js';
import type { AppEnv } from './app-env.js';
import { toPhotoJson } from './photo-json.js';
import { ListPhotosQuery } from './schemas.js';
import { readDirectUpload } from './upload-body.js';

/** What the photo routes need. */
export interface PhotoRoutesDeps {
  readonly uploadPhoto: UploadPhoto;
  readonly listGallery: ListGallery;
  readonly getPhoto: GetPhoto;
  readonly deletePhoto: DeletePhoto;
  readonly limits: Limits;
  readonly renditions: RenditionSettings;
}

const photoIdOf = (raw: string): PhotoId => {
  const id = PhotoId.parse(raw);
  if (!id.ok) throw id.error;
  return id.value;
};

/**
 * `/photos`: the gallery (list, one photo, its original and renditions by
 * signed redirect, delete) and the small direct upload. Mounted under an
 * authenticating app, which sets `owner`.
 *
 * @example
 * app.route('/photos', photoRoutes({ uploadPhoto, listGallery, getPhoto, deletePhoto, limits, renditions }));
 */
export function photoRoutes(deps: PhotoRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const presetNames = new Set(deps.renditions.presets.map((p) => p.name));
  const getPhoto = (ownerId: AppEnv['Variables']['owner'], raw: string) =>
    deps.getPhoto.execute({ ownerId, photoId: photoIdOf(raw) });

  app.post('/', async (c) => {
    const { bytes, filename } = await readDirectUpload(c, deps.limits.maxDirectUploadBytes);
    const result = await deps.uploadPhoto.execute({ ownerId: c.get('owner'), filename, bytes });
    if (!result.ok) throw result.error;
    return c.json({ photo: toPhotoJson({ photo: result.value, urls: { renditions: {} } }) }, 202);
  });

  app.get('/', async (c) => {
    const query = ListPhotosQuery.parse(c.req.query());
    const result = await deps.listGallery.execute({ ownerId: c.get('owner'), ...query });
    if (!result.ok) throw result.error;
    const { items, nextCursor } = result.value;
    return c.json(
      nextCursor ? { items: items.map(toPhotoJson), nextCursor } : { items: items.map(toPhotoJson) },
    );
  });

  app.get('/:id', async (c) => {
    const result = await getPhoto(c.get('owner'), c.req.param('id'));
    if (!result.ok) throw result.error;
    return c.json(toPhotoJson(result.value));
  });

  app.get('/:id/original', async (c) => {
    const result = await getPhoto(c.get('owner'), c.req.param('id'));
    if (!result.ok) throw result.error;
    const { photo, urls } = result.value;
    if (photo.status === 'rejected') throw new PhotoRejectedError(photo.id);
    if (!urls.original) throw new PhotoNotReadyError(photo.id, photo.status);
    return c.redirect(urls.original, 302);
  });

  app.get('/:id/thumbnails/:preset', async (c) => {
    const photoId = photoIdOf(c.req.param('id'));
    const preset = c.req.param('preset');
    if (!presetNames.has(preset)) throw new PresetNotFoundError(preset);
    const result = await deps.getPhoto.execute({ ownerId: c.get('owner'), photoId });
    if (!result.ok) throw result.error;
    const { photo, urls } = result.value;
    const servable = Photo.servable(photo);
    if (!servable.ok) throw servable.error;
    const url = urls.renditions[preset];
    if (!url) throw new PhotoNotReadyError(photo.id, photo.status);
    return c.redirect(url, 302);
  });

  app.delete('/:id', async (c) => {
    const result = await deps.deletePhoto.execute({
      ownerId: c.get('owner'),
      photoId: photoIdOf(c.req.param('id')),
    });
    if (!result.ok) throw result.error;
    return c.body(null, 204);
  });

  return app;
}
