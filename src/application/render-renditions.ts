import type { OwnerId } from '../domain/owner-id.js';
import type { Rendition } from '../domain/photo.js';
import type { PhotoId } from '../domain/photo-id.js';
import type { RenditionSettings } from '../domain/presets.js';
import { ok, type Result } from '../domain/result.js';
import { StorageKeys } from '../domain/storage-keys.js';
import type { BlobStore } from './ports/blob-store.js';
import type { ImageProbe, ImageProcessor, ImageRejection } from './ports/image-processor.js';

/** What was rendered and stored: the image's display size, its renditions and its ThumbHash. */
export interface StoredRenditions {
  readonly probe: ImageProbe;
  /** Display size, after orientation. */
  readonly width: number;
  readonly height: number;
  readonly renditions: readonly Rendition[];
  readonly placeholder: string;
}

/** The bytes behind a rendition key never change: caches may keep them for good. */
export const RENDITION_CACHE = 'public, max-age=31536000, immutable';

/**
 * Renders every preset of one image in one decode (`ImageProcessor.render`)
 * and stores each under the item's deterministic rendition key, so a re-run
 * overwrites. A photo's original and a video's poster go through here alike.
 * The processor's refusal of the image is returned, and nothing is stored; a
 * failure of the processor or of storage throws.
 *
 * @example
 * const rendered = await renderRenditions({ processor, blobs }, photo, bytes, settings, limits.maxPixels);
 */
export async function renderRenditions(
  deps: { readonly processor: ImageProcessor; readonly blobs: BlobStore },
  item: { readonly ownerId: OwnerId; readonly id: PhotoId },
  bytes: Uint8Array,
  settings: RenditionSettings,
  maxPixels: number,
): Promise<Result<StoredRenditions, ImageRejection>> {
  const rendered = await deps.processor.render(bytes, settings, { maxPixels });
  if (!rendered.ok) return rendered;
  const output = rendered.value;
  const renditions: Rendition[] = output.renditions.map((r) => ({
    preset: r.preset,
    width: r.width,
    height: r.height,
    format: r.format,
    bytes: r.bytes.byteLength,
    key: StorageKeys.rendition(item.ownerId, item.id, r.preset, r.format),
  }));
  await Promise.all(
    output.renditions.map((r, i) =>
      deps.blobs.put(renditions[i]?.key as string, r.bytes, {
        contentType: `image/${r.format}`,
        cacheControl: RENDITION_CACHE,
      }),
    ),
  );
  return ok({
    probe: output.probe,
    width: output.width,
    height: output.height,
    renditions,
    placeholder: output.placeholder,
  });
}
