import type { Photo } from '../domain/photo.js';
import type { PhotoRepository } from './ports/photo-repository.js';

/** How a {@link saveApplying} ended: saved, or left alone since the record is gone or settled. */
export type SaveApplied =
  | { readonly saved: Photo }
  | { readonly left: 'deleted' }
  | { readonly left: 'settled'; readonly current: Photo };

/**
 * Saves `apply(record)`. Every consumer of an upload writes the same record,
 * so a version conflict is another consumer's write: the change is applied
 * again on top of the record as it now is, up to `tries` times, then the
 * conflict is thrown and the queue retries. It stops without saving when the
 * record is gone, or when `settled` says the record as it now is needs nothing
 * more (a duplicate job got there first).
 *
 * @example
 * const done = await saveApplying(photos, photo, (p) => Photo.markFailed(p, failure, now), isDone);
 */
export async function saveApplying(
  photos: PhotoRepository,
  photo: Photo,
  apply: (current: Photo) => Photo,
  settled: (current: Photo) => boolean,
  tries = 3,
): Promise<SaveApplied> {
  let current = photo;
  for (let attempt = 1; ; attempt++) {
    const next = apply(current);
    const saved = await photos.save(next);
    if (saved.ok) return { saved: next };
    const reloaded = await photos.get(photo.ownerId, photo.id);
    if (!reloaded) return { left: 'deleted' };
    if (settled(reloaded)) return { left: 'settled', current: reloaded };
    if (attempt >= tries) throw saved.error;
    current = reloaded;
  }
}
