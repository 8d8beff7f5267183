import type { Limits } from '../../../src/domain/limits.js';
import type { OwnerId } from '../../../src/domain/owner-id.js';
import type { Photo } from '../../../src/domain/photo.js';
import { StorageKeys } from '../../../src/domain/storage-keys.js';
import { TOKENS as T } from '../../../src/entrypoints/composition/tokens.js';
import { patternBytes } from '../../support/fixtures.js';
import { ManualClock } from '../../support/manual-clock.js';
import { expectOk } from '../../support/results.js';
import { testContainer } from '../../support/test-container.js';

/** Small multipart settings, so a test's files are a few KiB: 1 KiB threshold, 400-byte parts, an hour's grace. */
export const SMALL_PARTS: Partial<Limits> = {
  multipartThresholdBytes: 1000,
  multipartPartBytes: 400,
  pendingUploadGraceSeconds: 3600,
};

/**
 * The core on its in-memory adapters (as `testContainer` wires it) with the
 * upload use cases and the memory multipart store at hand, and small parts.
 */
export function uploadWorld(limits: Partial<Limits> = {}) {
  const clock = new ManualClock();
  const container = testContainer({ clock, limits: { ...SMALL_PARTS, ...limits } });
  const world = {
    clock,
    container,
    photos: container.get(T.PhotoRepository),
    blobs: container.get(T.InMemoryBlobStore),
    queue: container.get(T.InMemoryThumbnailQueue),
    multipart: container.get(T.InMemoryMultipartUploads),
    signer: container.get(T.HmacUrlSigner),
    registerUpload: container.get(T.RegisterUpload),
    acceptUpload: container.get(T.AcceptUpload),
    signUploadParts: container.get(T.SignUploadParts),
    getUpload: container.get(T.GetUpload),
    completeUpload: container.get(T.CompleteUpload),
    abortUpload: container.get(T.AbortUpload),
    deletePhoto: container.get(T.DeletePhoto),
    listGallery: container.get(T.ListGallery),
    sweep: container.get(T.SweepStaleUploads),

    /** Registers a JPEG of `size` bytes; over 1000 it goes in parts. */
    async register(ownerId: OwnerId, size: number): Promise<Photo> {
      const { photo } = expectOk(
        await world.registerUpload.execute({ ownerId, filename: 'big.jpg', contentType: 'image/jpeg', size }),
      );
      return photo;
    },

    /** Puts part `n` of a photo's multipart upload straight into the store, as the part route would; its ETag. */
    async putPart(photo: Photo, n: number, bytes: Uint8Array): Promise<string> {
      const upload = photo.upload?.multipart;
      if (!upload) throw new Error(`photo ${photo.id} has no multipart upload`);
      const key = StorageKeys.original(photo.ownerId, photo.id);
      const etag = await world.multipart.putPart(key, upload.uploadId, n, bytes);
      if (!etag) throw new Error('no such upload');
      return etag;
    },

    /** Every part of the photo's upload, sent; the list to complete with. */
    async putAllParts(photo: Photo): Promise<{ partNumber: number; etag: string }[]> {
      const upload = photo.upload?.multipart;
      if (!upload) throw new Error(`photo ${photo.id} has no multipart upload`);
      const parts = [];
      for (let n = 1; n <= upload.partCount; n++) {
        const size =
          n < upload.partCount ? upload.partSize : photo.size - upload.partSize * (upload.partCount - 1);
        parts.push({ partNumber: n, etag: await world.putPart(photo, n, patternBytes(size, n)) });
      }
      return parts;
    },
  };
  return world;
}

export type UploadWorld = ReturnType<typeof uploadWorld>;
