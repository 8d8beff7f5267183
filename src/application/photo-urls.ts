import type { Photo } from '../domain/photo.js';
import { StorageKeys } from '../domain/storage-keys.js';
import type { UrlSigner } from './ports/url-signer.js';

/** Signed URLs of a photo: the original once it has landed, renditions once ready. */
export interface PhotoUrls {
  readonly original?: string;
  readonly renditions: Readonly<Record<string, string>>;
}

/** A photo as the gallery shows it. */
export interface SignedPhoto {
  readonly photo: Photo;
  readonly urls: PhotoUrls;
}

/** Signs what the photo has to show; a pending photo has nothing to show yet. */
export async function signPhoto(photo: Photo, signer: UrlSigner): Promise<SignedPhoto> {
  const renditions: Record<string, string> = {};
  if (photo.status === 'ready') {
    const signed = await Promise.all(photo.renditions.map((r) => signer.signGet(r.key)));
    photo.renditions.forEach((r, i) => {
      renditions[r.preset] = signed[i] as string;
    });
  }
  // No original to show before it lands, nor after AcceptUpload threw away one over the limit.
  // Nor of a photo moderation rejected.
  const hasOriginal =
    photo.status !== 'pending' && photo.status !== 'rejected' && photo.failure?.code !== 'file-too-large';
  const original = !hasOriginal
    ? undefined
    : await signer.signGet(StorageKeys.original(photo.ownerId, photo.id), {
        downloadName: photo.filename,
        contentType: photo.contentType,
      });
  return { photo, urls: original === undefined ? { renditions } : { original, renditions } };
}
