import type { OwnerId } from '../../src/domain/owner-id.js';
import { Photo } from '../../src/domain/photo.js';
import { PhotoId } from '../../src/domain/photo-id.js';

let counter = 0;

/** A fresh UUIDv7 whose time is `ms` (default: a fixed 2026 date plus a counter, so ids increase). */
export function photoIdAt(ms?: number): PhotoId {
  counter++;
  const random = new Uint8Array(10);
  crypto.getRandomValues(random);
  return PhotoId.fromParts(ms ?? 1_790_000_000_000 + counter, random);
}

/** An owner id unique to a test, so suites sharing a real store do not see each other's rows. */
export function uniqueOwner(prefix = 'owner'): OwnerId {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}` as OwnerId;
}

/** A pending photo of `owner`. */
export function pendingPhoto(owner: OwnerId, id: PhotoId = photoIdAt()): Photo {
  return Photo.register({
    id,
    ownerId: owner,
    filename: 'beach.jpg',
    contentType: 'image/jpeg',
    size: 1234,
    now: new Date(PhotoId.timestampOf(id)),
  });
}

/** Bytes of a given length, with a recognisable pattern. */
export function patternBytes(length: number, seed = 7): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff);
}
