import type { PhotoPage, PhotoRepository } from '../../application/ports/photo-repository.js';
import { VersionConflictError } from '../../domain/errors.js';
import { ImageAnalysis } from '../../domain/image-analysis.js';
import type { OwnerId } from '../../domain/owner-id.js';
import type { Photo } from '../../domain/photo.js';
import type { PhotoId } from '../../domain/photo-id.js';
import { err, ok, type Result } from '../../domain/result.js';

// Records are stored as frozen copies and handed out as they are: nobody can
// change a stored record behind the store's back, and reads copy nothing.
const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
};

/**
 * A working PhotoRepository in a Map, with the same semantics as the table
 * adapters: owner partitions, version-checked writes, newest-first pages.
 */
export class InMemoryPhotoRepository implements PhotoRepository {
  private readonly owners = new Map<OwnerId, Map<PhotoId, Photo>>();

  async get(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined> {
    return this.owners.get(ownerId)?.get(photoId);
  }

  async save(photo: Photo): Promise<Result<void, VersionConflictError>> {
    let photos = this.owners.get(photo.ownerId);
    const stored = photos?.get(photo.id);
    const expected = photo.version - 1;
    if ((stored?.version ?? 0) !== expected) return err(new VersionConflictError(photo.id, expected));
    if (!photos) {
      photos = new Map();
      this.owners.set(photo.ownerId, photos);
    }
    photos.set(photo.id, deepFreeze(structuredClone(photo)));
    return ok(undefined);
  }

  async listByOwner(ownerId: OwnerId, options: { limit: number; after?: PhotoId }): Promise<PhotoPage> {
    return this.page(ownerId, options, () => true);
  }

  async listByLabel(
    ownerId: OwnerId,
    label: string,
    options: { limit: number; after?: PhotoId },
  ): Promise<PhotoPage> {
    const key = ImageAnalysis.labelKey(label);
    return this.page(ownerId, options, (p) =>
      (p.labels ?? []).some((l) => ImageAnalysis.labelKey(l.name) === key),
    );
  }

  private page(
    ownerId: OwnerId,
    options: { limit: number; after?: PhotoId },
    wanted: (photo: Photo) => boolean,
  ): PhotoPage {
    const { after } = options;
    // Ids are UUIDv7: their string order is their time order.
    const newestFirst = [...(this.owners.get(ownerId)?.values() ?? [])]
      .filter((p) => wanted(p) && (after === undefined || p.id < after))
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const items = newestFirst.slice(0, options.limit);
    const last = newestFirst.length > options.limit ? items.at(-1)?.id : undefined;
    return last ? { items, last } : { items };
  }

  async listPurgeable(now: Date, limit: number): Promise<readonly Photo[]> {
    const due = (p: Photo) =>
      p.status === 'pending' && p.upload && Date.parse(p.upload.purgeAt) <= now.getTime();
    return [...this.owners.values()]
      .flatMap((photos) => [...photos.values()])
      .filter(due)
      .sort((a, b) => Date.parse(a.upload?.purgeAt ?? '') - Date.parse(b.upload?.purgeAt ?? ''))
      .slice(0, limit);
  }

  async delete(ownerId: OwnerId, photoId: PhotoId): Promise<Photo | undefined> {
    const photos = this.owners.get(ownerId);
    const removed = photos?.get(photoId);
    photos?.delete(photoId);
    return removed;
  }
}
