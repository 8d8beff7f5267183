import type { OwnerId } from '../../src/domain/owner-id.js';
import type { Photo } from '../../src/domain/photo.js';
import type { PhotoId } from '../../src/domain/photo-id.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import { filesDeps, httpUseCases } from '../../src/entrypoints/composition/http-deps.js';
import { TOKENS as T } from '../../src/entrypoints/composition/tokens.js';
import { createApp, type LogEntry } from '../../src/entrypoints/http/create-app.js';
import { devIdentity, type IdentityResolver } from '../../src/entrypoints/http/identity.js';
import { tinyPng } from './images.js';
import { ManualClock } from './manual-clock.js';
import { PngHeaderImageProcessor } from './png-header-image-processor.js';
import { type TestContainerOptions, testContainer } from './test-container.js';

/**
 * The HTTP app on in-memory adapters, for route tests through `app.request`:
 * every use case is the real one, wired by the real modules, and only the
 * image processor is a double (see {@link PngHeaderImageProcessor}).
 */

export const ALLOWED_ORIGIN = 'https://app.example';

/** Options for {@link createAppHarness}. */
export interface AppHarnessOptions extends Pick<TestContainerOptions, 'getTtlSeconds' | 'uploadTtlSeconds'> {
  /** Overrides of the default limits. */
  readonly limits?: TestContainerOptions['limits'];
  /** Identity resolver; dev identity (`X-Owner-Id`, else `dev`) when absent. */
  readonly identity?: IdentityResolver;
}

/** What a route test works with. */
export type AppHarness = ReturnType<typeof createAppHarness>;

/**
 * Builds `createApp` from {@link testContainer}, with HMAC-signed `/files`
 * URLs and a log that collects its entries. The clock starts at the wall
 * clock's time and moves only when a test moves it. The queue tries each job
 * once and is drained only when a test asks ({@link drain}), so a test can
 * look at a photo while it is `processing`.
 *
 * @example
 * const h = createAppHarness();
 * const res = await h.app.request('/photos', { method: 'POST', headers: { 'Content-Type': 'image/png' }, body: tinyPng() });
 * const photo = await h.makeReady((await res.json()).photo.id);
 */
export function createAppHarness(options: AppHarnessOptions = {}) {
  const { identity, ...rest } = options;
  const clock = new ManualClock(Date.now());
  const container = testContainer({
    ...rest,
    clock,
    processor: new PngHeaderImageProcessor(),
    queue: { maxAttempts: 1, retryDelayMs: 0 },
  });
  const blobs = container.get(T.InMemoryBlobStore);
  const photos = container.get(T.PhotoRepository);
  const queue = container.get(T.InMemoryThumbnailQueue);
  const signer = container.get(T.HmacUrlSigner);
  const multipart = container.get(T.InMemoryMultipartUploads);
  const limits = container.get(T.Limits);
  const settings = container.get(T.RenditionSettings);
  const acceptUpload = container.get(T.AcceptUpload);
  const generateThumbnail = container.get(T.GenerateThumbnail);
  const useCases = httpUseCases(container);
  const logs: LogEntry[] = [];
  const app = createApp({
    useCases,
    identity: identity ?? devIdentity(),
    limits,
    renditions: settings,
    allowedOrigins: [ALLOWED_ORIGIN],
    files: filesDeps(container),
    log: (entry) => logs.push(entry),
  });

  /** Runs every queued thumbnail job to its end. */
  const drain = async (): Promise<void> => {
    const stop = queue.consume(async (job) => {
      await generateThumbnail.execute(job);
    });
    await queue.onIdle();
    stop();
  };

  /**
   * Drives a photo to ready and returns it: a pending photo first gets a PNG
   * original and is accepted, as the signed PUT would do; then the queue is
   * drained. Throws when the photo does not end up ready.
   */
  const makeReady = async (photoId: string, owner = 'dev'): Promise<Photo> => {
    const current = await photos.get(owner as OwnerId, photoId as PhotoId);
    if (current?.status === 'pending') {
      await blobs.put(StorageKeys.original(current.ownerId, current.id), tinyPng(), {
        contentType: 'image/png',
      });
      const accepted = await acceptUpload.execute({ ownerId: current.ownerId, photoId: current.id });
      if (!accepted.ok) throw accepted.error;
    }
    await drain();
    const photo = await photos.get(owner as OwnerId, photoId as PhotoId);
    if (photo?.status !== 'ready') {
      throw new Error(`photo ${photoId} of ${owner} is ${photo?.status ?? 'missing'}, not ready`);
    }
    return photo;
  };

  return {
    app,
    blobs,
    multipart,
    photos,
    queue,
    signer,
    clock,
    limits,
    settings,
    logs,
    useCases,
    drain,
    makeReady,
  };
}
