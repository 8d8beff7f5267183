// 'thumbhash' is resolved by the import map in index.html, the one place that knows the vendor path.
import { thumbHashToDataURL } from 'thumbhash';

/**
 * Turns a photo's ThumbHash (base64, about 25 bytes) into a tiny PNG data URL
 * that stands in for the thumbnail while it loads. A malformed hash is not
 * worth breaking the gallery over: the tile just shows its plain background.
 *
 * @param {string | undefined} base64
 * @returns {string | undefined}
 */
export function placeholderUrl(base64) {
  if (!base64) return undefined;
  try {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    return thumbHashToDataURL(bytes);
  } catch {
    return undefined;
  }
}
