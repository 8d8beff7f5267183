import type { Photo } from '../domain/photo.js';
import { StorageKeys } from '../domain/storage-keys.js';
import type { UrlSigner } from './ports/url-signer.js';

/** Signed URLs of a photo: the original once it has landed, renditions once ready; a ready video's MP4. */
export interface PhotoUrls {
  readonly original?: string;
  readonly renditions: Readonly<Record<string, string>>;
  readonly video?: { readonly mp4: string };
}

/** A photo as the gallery shows it. */
export interface SignedPhoto {
  readonly photo: Photo;
  readonly urls: PhotoUrls;
}

/** Signs what the photo has to show; a pending photo has nothing to show yet. */
export async function signPhoto(photo: Photo, signer: UrlSigner): Promise<SignedPhoto> {
  const renditions: Record<string, string> = {};
  // One at a time: signing waits on no I/O (the HMAC signer mostly answers from its cache),
  // so there is nothing to overlap, and awaiting each costs less than gathering them
  // with Promise.all, which a gallery page would do for each of its photos.
  if (photo.status === 'ready') {
    for (const r of photo.renditions) renditions[r.preset] = await signer.signGet(r.key);
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
  const mp4 = photo.status === 'ready' ? photo.video?.mp4 : undefined;
  const video = mp4 && { mp4: await signer.signGet(mp4.key) };
  return {
    photo,
    urls: { ...(original === undefined ? {} : { original }), renditions, ...(video ? { video } : {}) },
  };
}
