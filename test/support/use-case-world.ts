import type { Limits } from '../../src/domain/limits.js';
import type { RenditionSettings } from '../../src/domain/presets.js';
import { TOKENS as T } from '../../src/entrypoints/composition/tokens.js';
import { ManualClock } from './manual-clock.js';
import { testContainer } from './test-container.js';

/**
 * The core wired to its in-memory adapters, as the dev server wires it: working
 * fakes whose state a test inspects afterwards. The clock only moves when the
 * test moves it; ids come from the real UUIDv7 generator driven by that clock.
 * There is no image processor: tests of GenerateThumbnail bring their own.
 */
export function useCaseWorld(
  options: { limits?: Partial<Limits>; settings?: RenditionSettings; videoRefusal?: string } = {},
) {
  const clock = new ManualClock();
  const container = testContainer({ clock, ...options });
  return {
    clock,
    photos: container.get(T.PhotoRepository),
    blobs: container.get(T.InMemoryBlobStore),
    queue: container.get(T.InMemoryThumbnailQueue),
    ids: container.get(T.IdGenerator),
    signer: container.get(T.HmacUrlSigner),
    limits: container.get(T.Limits),
    settings: container.get(T.RenditionSettings),
    registerUpload: container.get(T.RegisterUpload),
    acceptUpload: container.get(T.AcceptUpload),
    uploadPhoto: container.get(T.UploadPhoto),
    listGallery: container.get(T.ListGallery),
    getPhoto: container.get(T.GetPhoto),
    deletePhoto: container.get(T.DeletePhoto),
    abortUpload: container.get(T.AbortUpload),
    usage: container.get(T.UsageLedger),
  };
}

export type UseCaseWorld = ReturnType<typeof useCaseWorld>;
