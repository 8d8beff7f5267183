import type { SignedPhoto } from '../../application/photo-urls.js';
import type { PhotoJson } from './schemas.js';

/** A photo or a video as the API shows it: no keys, no owner, no version; signed URLs once ready. */
export function toPhotoJson({ photo, urls }: SignedPhoto): PhotoJson {
  const json: PhotoJson = {
    id: photo.id,
    kind: photo.kind,
    filename: photo.filename,
    contentType: photo.contentType,
    size: photo.size,
    status: photo.status,
    createdAt: photo.createdAt,
    updatedAt: photo.updatedAt,
  };
  if (photo.width !== undefined && photo.height !== undefined) {
    json.width = photo.width;
    json.height = photo.height;
  }
  if (photo.durationMs !== undefined) json.durationMs = photo.durationMs;
  if (photo.failure) json.failure = { code: photo.failure.code, message: photo.failure.message };
  if (photo.labels) json.labels = photo.labels.map((l) => ({ ...l, parents: [...l.parents] }));
  if (photo.moderation) {
    json.moderation = {
      verdict: photo.moderation.verdict,
      labels: photo.moderation.labels.map((l) => ({ ...l })),
      modelVersion: photo.moderation.modelVersion,
    };
  }
  if (photo.analysis) {
    const { status, reason } = photo.analysis;
    json.analysis = reason === undefined ? { status } : { status, reason };
  }
  if (photo.status === 'ready') {
    if (photo.placeholder) json.placeholder = photo.placeholder;
    json.renditions = photo.renditions.map((r) => ({
      preset: r.preset,
      width: r.width,
      height: r.height,
      format: r.format,
      size: r.bytes,
    }));
    if (urls.original) {
      json.urls = {
        original: urls.original,
        thumbnails: { ...urls.renditions },
        ...(urls.video ? { video: { mp4: urls.video.mp4 } } : {}),
      };
    }
  }
  return json;
}
