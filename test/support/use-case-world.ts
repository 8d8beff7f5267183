import { HmacUrlSigner } from '../../src/adapters/crypto/hmac-url-signer.js';
import { InMemoryBlobStore } from '../../src/adapters/memory/in-memory-blob-store.js';
import { InMemoryPhotoRepository } from '../../src/adapters/memory/in-memory-photo-repository.js';
import { InMemoryThumbnailQueue } from '../../src/adapters/memory/in-memory-thumbnail-queue.js';
import { UuidV7IdGenerator } from '../../src/adapters/system/uuid-v7-id-generator.js';
import { AcceptUpload } from '../../src/application/use-cases/accept-upload.js';
import { DeletePhoto } from '../../src/application/use-cases/delete-photo.js';
import { GetPhoto } from '../../src/application/use-cases/get-photo.js';
import { ListGallery } from '../../src/application/use-cases/list-gallery.js';
import { RegisterUpload } from '../../src/application/use-cases/register-upload.js';
import { UploadPhoto } from '../../src/application/use-cases/upload-photo.js';
import { defaultLimits, type Limits } from '../../src/domain/limits.js';
import { defaultRenditionSettings, type RenditionSettings } from '../../src/domain/presets.js';
import { ManualClock } from './manual-clock.js';

export const TEST_SIGNING_SECRET = 'test-secret-of-at-least-32-bytes-0123456789';

/**
 * The core wired to its in-memory adapters, as the dev server wires it: working
 * fakes whose state a test inspects afterwards. The clock only moves when the
 * test moves it; ids come from the real UUIDv7 generator driven by that clock.
 */
export function useCaseWorld(options: { limits?: Partial<Limits>; settings?: RenditionSettings } = {}) {
  const clock = new ManualClock();
  const photos = new InMemoryPhotoRepository();
  const blobs = new InMemoryBlobStore();
  const queue = new InMemoryThumbnailQueue();
  const ids = new UuidV7IdGenerator(() => clock.now().getTime());
  const signer = new HmacUrlSigner({ secret: TEST_SIGNING_SECRET, baseUrl: '/files' }, clock);
  const limits: Limits = { ...defaultLimits, ...options.limits };
  const settings = options.settings ?? defaultRenditionSettings;

  const registerUpload = new RegisterUpload(photos, signer, ids, clock, limits);
  const acceptUpload = new AcceptUpload(photos, blobs, queue, clock, limits);
  return {
    clock,
    photos,
    blobs,
    queue,
    ids,
    signer,
    limits,
    settings,
    registerUpload,
    acceptUpload,
    uploadPhoto: new UploadPhoto(registerUpload, acceptUpload, blobs, limits),
    listGallery: new ListGallery(photos, signer),
    getPhoto: new GetPhoto(photos, signer),
    deletePhoto: new DeletePhoto(photos, blobs, settings),
  };
}

export type UseCaseWorld = ReturnType<typeof useCaseWorld>;
