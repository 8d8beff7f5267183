import type { OwnerId } from '../../src/domain/owner-id.js';
import { Photo, type Rendition } from '../../src/domain/photo.js';
import { StorageKeys } from '../../src/domain/storage-keys.js';
import { patternBytes } from './fixtures.js';
import { expectOk } from './results.js';
import type { UseCaseWorld } from './use-case-world.js';

const PNG_HEAD = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/**
 * A photo taken all the way to `ready` without an image processor: uploaded
 * through UploadPhoto, then given one stored rendition per configured preset,
 * as GenerateThumbnail would leave it. For tests of the use cases that read
 * or delete photos.
 */
export async function readyPhoto(
  world: UseCaseWorld,
  owner: OwnerId,
  filename = 'photo.png',
): Promise<Photo> {
  const bytes = patternBytes(100);
  bytes.set(PNG_HEAD);
  const processing = expectOk(await world.uploadPhoto.execute({ ownerId: owner, filename, bytes }));
  const { presets, format } = world.settings;
  const renditions: Rendition[] = [];
  for (const p of presets) {
    const key = StorageKeys.rendition(owner, processing.id, p.name, format);
    await world.blobs.put(key, patternBytes(10), { contentType: `image/${format}` });
    renditions.push({ preset: p.name, width: p.width, height: p.height, format, bytes: 10, key });
  }
  const ready = Photo.markReady(
    processing,
    {
      contentType: 'image/png',
      width: 4000,
      height: 3000,
      renditions,
      placeholder: 'AAAA',
      checksum: 'ab'.repeat(32),
    },
    world.clock.now(),
  );
  expectOk(await world.photos.save(ready));
  return ready;
}
