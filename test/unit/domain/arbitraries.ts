import { fc } from '@fast-check/vitest';
import { OwnerId } from '#domain/owner-id.js';
import { PhotoId } from '#domain/photo-id.js';
import { RenditionSettings } from '#domain/presets.js';
import type { Size } from '#domain/sizing.js';

/** Shared generators for the domain's property tests. */

/** Stored image sizes: 1..65535 px a side, as image headers allow. */
export const imageSize = (max = 65_535): fc.Arbitrary<Size> =>
  fc.record({ width: fc.integer({ min: 1, max }), height: fc.integer({ min: 1, max }) });

/** Preset boxes as they are configured in practice: 1..4096 px a side. */
export const boxSize = (max = 4096): fc.Arbitrary<Size> =>
  fc.record({ width: fc.integer({ min: 1, max }), height: fc.integer({ min: 1, max }) });

export const orientation = fc.integer({ min: 1, max: 8 });

export const ownerId: fc.Arbitrary<OwnerId> = fc.stringMatching(OwnerId.pattern).map((s) => s as OwnerId);

export const epochMs = fc.integer({ min: 0, max: 2 ** 48 - 1 });

export const randomBytes10 = fc.uint8Array({ minLength: 10, maxLength: 10 });

export const photoId: fc.Arbitrary<PhotoId> = fc
  .tuple(epochMs, randomBytes10)
  .map(([ms, random]) => PhotoId.fromParts(ms, random));

/** A preset name a configuration may use: `poster` and `video` name a video's files. */
export const presetName = fc
  .stringMatching(/^[a-z][a-z0-9-]{0,31}$/)
  .filter((name) => !RenditionSettings.reservedNames.includes(name));

export const renditionFormat = fc.constantFrom('webp' as const, 'avif' as const, 'jpeg' as const);
