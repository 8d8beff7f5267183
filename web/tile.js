import { flagOf, flagWords, moderationLabelsOf } from './analysis.js';
import { h } from './dom.js';
import { durationWords, formatDuration } from './duration.js';
import { placeholderUrl } from './placeholder.js';

/** @typedef {import('./api.js').Photo} Photo */

/**
 * @param {Photo} photo
 * @param {boolean} [uploading] its bytes are on their way from this page
 */
function statusText(photo, uploading) {
  const video = photo.kind === 'video';
  switch (photo.status) {
    case 'pending':
      return uploading ? 'Uploading…' : 'Waiting for the upload…';
    case 'processing':
      // A transcode takes minutes where thumbnails take seconds: the words say which is under way.
      return video ? 'Processing video…' : 'Making thumbnails…';
    case 'failed':
      return `Failed: ${photo.failure?.message ?? `the ${video ? 'video' : 'image'} could not be processed.`}`;
    case 'rejected':
      return 'Held by moderation';
    default:
      return '';
  }
}

/**
 * The marker of a photo moderation flagged: "⚑ Flagged" on the frame and, on
 * hover, the verdict and the labels that made it. A screen reader hears the
 * verdict in the name of the tile's button (see openerOf).
 *
 * @param {Photo} photo
 */
function flagMarker(photo) {
  const verdict = flagOf(photo);
  if (!verdict) return [];
  const title = `${flagWords(verdict)}: ${moderationLabelsOf(photo)}`;
  return [h('span', { class: 'flag', 'data-verdict': verdict, title }, ['⚑ Flagged'])];
}

/**
 * A video's mark on its poster: a play glyph and its length. Hidden from a
 * screen reader, which hears "video, 3 seconds" in the name of the tile's button.
 *
 * @param {Photo} photo
 */
function durationBadge(photo) {
  const length = photo.durationMs ? [formatDuration(photo.durationMs)] : [];
  return h('span', { class: 'duration', 'aria-hidden': 'true' }, length);
}

/**
 * What a screen reader hears after a video's name: "video, 3 seconds".
 *
 * @param {Photo} photo
 */
const videoWords = (photo) => (photo.durationMs ? `video, ${durationWords(photo.durationMs)}` : 'video');

/**
 * The browser's own picture of a file being uploaded: the image, or a video's
 * first frame. A type this browser cannot show (HEIC, TIFF, most MKV) leaves
 * the plain frame, a video's with its play glyph.
 *
 * @param {Photo} photo
 * @param {HTMLElement} frame
 * @param {string} preview the file's object URL
 */
function localPreview(photo, frame, preview) {
  // alt="" and aria-hidden: the group around the frame names the upload and its state.
  if (photo.kind !== 'video') {
    const img = h('img', { alt: '', class: 'local-preview', decoding: 'async' });
    img.addEventListener('load', () => frame.classList.add('loaded'));
    img.addEventListener('error', () => img.remove());
    img.src = preview;
    return [img];
  }
  const video = h('video', { class: 'local-preview', muted: '', playsinline: '', preload: 'metadata' });
  video.setAttribute('aria-hidden', 'true');
  video.muted = true;
  video.addEventListener('loadeddata', () => frame.classList.add('loaded'));
  video.addEventListener('error', () => video.remove());
  // A moment in: the very first frame is often black.
  video.src = `${preview}#t=0.1`;
  return [video, h('span', { class: 'play-glyph', 'aria-hidden': 'true' })];
}

/**
 * The square frame of a tile: the ThumbHash as its background, the thumbnail
 * on top fading in once loaded, so the grid never jumps or shows blank boxes.
 * The placeholder goes once the thumbnail has loaded (the `loaded` class), or
 * it would show through a transparent image. Before there is a thumbnail, a
 * photo uploaded from this page shows the browser's own preview of the file.
 * A video shows its poster frame's thumbnail, with its length.
 * A flagged photo is shown as it is, with a marker: in `flag` mode moderation
 * only records, and these are the owner's own photos; a held one has nothing
 * to show.
 *
 * @param {Photo} photo
 * @param {TileHooks} hooks
 */
function frameOf(photo, { resolve, onImageError, preview, uploading }) {
  const frame = h('span', { class: 'frame' });
  const placeholder = placeholderUrl(photo.placeholder);
  if (placeholder) frame.style.setProperty('--placeholder', `url("${placeholder}")`);
  const thumb = photo.urls?.thumbnails.thumb;
  if (photo.status === 'ready' && thumb) {
    const img = h('img', { alt: photo.filename, decoding: 'async', loading: 'lazy' });
    img.addEventListener('load', () => frame.classList.add('loaded'));
    img.addEventListener('error', () => onImageError(photo.id));
    img.src = resolve(thumb);
    frame.append(img, ...flagMarker(photo));
    if (photo.kind === 'video') frame.append(durationBadge(photo));
    return frame;
  }
  if (preview && photo.status !== 'rejected') frame.append(...localPreview(photo, frame, preview));
  else if (photo.kind === 'video' && photo.status !== 'failed' && photo.status !== 'rejected') {
    frame.append(h('span', { class: 'play-glyph', 'aria-hidden': 'true' }));
  }
  frame.append(h('span', { class: 'badge' }, [statusText(photo, uploading)]));
  return frame;
}

/**
 * What holds the frame: a ready photo opens full size (a video, its player), a
 * held or failed one opens to say why in full; the others show their state in
 * place, in a group named by it.
 *
 * @param {Photo} photo
 * @param {HTMLElement} frame
 * @param {boolean} [uploading]
 */
function openerOf(photo, frame, uploading) {
  if (photo.status === 'ready') {
    const flag = flagOf(photo);
    const attributes = { type: 'button', class: 'tile-open', 'data-action': 'open', title: photo.filename };
    // Named by its thumbnail's alt; a video says it is one and how long, a flagged one says
    // so too, in the words of its marker.
    const words = [
      photo.filename,
      ...(photo.kind === 'video' ? [videoWords(photo)] : []),
      ...(flag ? [flagWords(flag).toLowerCase()] : []),
    ];
    /** @type {Record<string, string>} */
    const name = words.length > 1 ? { 'aria-label': words.join(', ') } : {};
    return h('button', { ...attributes, ...name }, [frame]);
  }
  if (photo.status === 'failed') {
    const why = statusText(photo, uploading);
    return h(
      'button',
      {
        type: 'button',
        class: 'tile-open',
        'data-action': 'open',
        'aria-label': `${photo.filename}: ${why}`,
        title: `${photo.filename}: ${why}`,
      },
      [frame],
    );
  }
  if (photo.status === 'rejected') {
    const why = photo.failure?.message ?? 'held by moderation';
    return h(
      'button',
      {
        type: 'button',
        class: 'tile-open',
        'data-action': 'open',
        'aria-label': `${photo.filename}: held by moderation`,
        title: `${photo.filename}: ${why}`,
      },
      [frame],
    );
  }
  const label = `${photo.filename}: ${statusText(photo, uploading)}`;
  return h('div', { class: 'tile-open', role: 'group', 'aria-label': label }, [frame]);
}

/**
 * @typedef {{ resolve: (url: string) => string, onImageError: (id: string) => void,
 *   preview?: string, uploading?: boolean }} TileHooks
 */

/**
 * One tile of the grid, built fresh from a photo: a tile is replaced rather
 * than patched when its photo changes. Its buttons carry `data-action` and
 * the `<li>` carries `data-id`, so the grid handles every click in one place.
 *
 * @example
 *   grid.append(renderTile(photo, { resolve: (url) => api.resolve(url), onImageError: refresh }));
 *
 * @param {Photo} photo
 * @param {TileHooks} hooks how to resolve the photo's URLs, what to do when its thumbnail fails to
 *   load, and for an upload from this page, the object URL of its file and whether it is on its way
 */
export function renderTile(photo, hooks) {
  const li = h('li', { class: 'tile', 'data-id': photo.id, 'data-status': photo.status });
  const main = openerOf(photo, frameOf(photo, hooks), hooks.uploading);
  const name = h('span', { class: 'tile-name', title: photo.filename }, [photo.filename]);
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'tile-delete',
      'data-action': 'delete',
      'aria-label': `Delete ${photo.filename}`,
    },
    ['Delete'],
  );
  // While its bytes are on the way, the upload row's ✕ is how to drop it.
  li.append(main, h('div', { class: 'tile-meta' }, hooks.uploading ? [name] : [name, remove]));
  return li;
}
