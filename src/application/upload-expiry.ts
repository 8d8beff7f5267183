import { PendingUpload } from '../domain/pending-upload.js';
import { Photo } from '../domain/photo.js';
import type { PhotoRepository } from './ports/photo-repository.js';

// Parallel requests of one client (part URLs signed in batches) may race on the
// record; a few tries settle it, and a lost extension only shortens the expiry.
const ATTEMPTS = 3;

/**
 * Moves a pending upload's expiry to `expiresAt` (its purge time with it),
 * when that is later: a resumed upload stays visible and is not swept. Saves
 * with the version check, re-reading the record after a conflict. Returns the
 * record as it now stands; a photo that left `pending` is returned as it is.
 */
export async function extendUploadExpiry(
  photos: PhotoRepository,
  photo: Photo,
  expiresAt: Date,
  graceSeconds: number,
  now: Date,
): Promise<Photo> {
  let current = photo;
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    if (current.status !== 'pending' || !current.upload) return current;
    const upload = PendingUpload.extended(current.upload, expiresAt, graceSeconds);
    if (!upload) return current;
    const next = Photo.extendUpload(current, upload, now);
    if ((await photos.save(next)).ok) return next;
    const fresh = await photos.get(current.ownerId, current.id);
    if (!fresh) return current;
    current = fresh;
  }
  return current;
}
