import type { Photo } from '../domain/photo.js';
import { StorageKeys } from '../domain/storage-keys.js';
import type { SignGetRequest, UrlSigner } from './ports/url-signer.js';

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
  const [signed] = await signPhotos([photo], signer);
  return signed as SignedPhoto;
}

/** What of a photo gets a URL, in the order its requests are made. */
interface Wanted {
  readonly renditions: readonly string[];
  readonly original: boolean;
  readonly video: boolean;
}

/**
 * Signs what each photo has to show, with one call to the signer for them all:
 * a gallery page's URLs at one instant, one wait instead of one per URL.
 */
export async function signPhotos(photos: readonly Photo[], signer: UrlSigner): Promise<SignedPhoto[]> {
  const requests: SignGetRequest[] = [];
  const wanted: Wanted[] = photos.map((photo) => {
    const renditions = photo.status === 'ready' ? photo.renditions : [];
    for (const r of renditions) requests.push({ key: r.key });
    // No original to show before it lands, nor after AcceptUpload threw away one over the limit.
    // Nor of a photo moderation rejected.
    const original =
      photo.status !== 'pending' && photo.status !== 'rejected' && photo.failure?.code !== 'file-too-large';
    if (original) {
      requests.push({
        key: StorageKeys.original(photo.ownerId, photo.id),
        downloadName: photo.filename,
        contentType: photo.contentType,
      });
    }
    const mp4 = photo.status === 'ready' ? photo.video?.mp4 : undefined;
    if (mp4) requests.push({ key: mp4.key });
    return { renditions: renditions.map((r) => r.preset), original, video: mp4 !== undefined };
  });
  const urls = requests.length === 0 ? [] : await signer.signGets(requests);
  let next = 0;
  const take = () => urls[next++] as string;
  return photos.map((photo, i) => {
    const want = wanted[i] as Wanted;
    const renditions: Record<string, string> = {};
    for (const preset of want.renditions) renditions[preset] = take();
    const original = want.original ? take() : undefined;
    const video = want.video ? { mp4: take() } : undefined;
    return {
      photo,
      urls: { ...(original === undefined ? {} : { original }), renditions, ...(video ? { video } : {}) },
    };
  });
}
