import { placeholderUrl } from './placeholder.js';
import { formatBytes } from './upload.js';

/**
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {{ dialog: HTMLDialogElement, title: HTMLElement, image: HTMLImageElement, caption: HTMLElement,
 *   original: HTMLAnchorElement, remove: HTMLButtonElement }} ViewerElements
 */

/**
 * The full-size viewer: a modal `<dialog>` with the large rendition, its size
 * and type, a link to the original and a delete button. It keeps no photos of
 * its own: it shows the one it is given and reports a delete through `onDelete`.
 * Signed URLs expire: when the image fails to load, it asks `refresh` for the
 * photo with fresh URLs, once.
 *
 * @example
 *   const viewer = createViewer({ elements, resolve: (url) => api.resolve(url),
 *     refresh: (id) => api.getPhoto(id), onDelete: (id) => grid.deletePhoto(id) });
 *   viewer.open(photo);
 *
 * @param {{ elements: ViewerElements, resolve: (url: string) => string,
 *   refresh: (id: string) => Promise<Photo>, onDelete: (id: string) => void }} options
 */
export function createViewer({ elements, resolve, refresh, onDelete }) {
  const { dialog, title, image, caption, original, remove } = elements;
  /** The photo shown, and whether its URLs were fetched afresh already. */
  let shown = { id: '', refreshed: false };

  dialog.addEventListener('close', () => {
    image.removeAttribute('src');
    delete dialog.dataset.id;
    shown = { id: '', refreshed: false };
  });
  // The ThumbHash only fills the box while loading: it would show through a transparent image.
  image.addEventListener('load', () => {
    image.style.backgroundImage = '';
  });
  image.addEventListener('error', async () => {
    const { id } = shown;
    if (!id || !image.getAttribute('src')) return;
    if (shown.refreshed) {
      caption.textContent = 'The image could not be loaded.';
      return;
    }
    shown.refreshed = true;
    try {
      const photo = await refresh(id);
      if (shown.id === id) show(photo);
    } catch {
      if (shown.id === id) caption.textContent = 'The image could not be loaded.';
    }
  });
  // A click on the backdrop lands on the <dialog> itself; the content sits in children.
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog || /** @type {HTMLElement} */ (event.target).closest('[data-close]')) {
      dialog.close();
    }
  });
  remove.addEventListener('click', () => {
    const id = dialog.dataset.id;
    if (id) onDelete(id);
  });

  /**
   * Fills the dialog with a photo's large rendition and facts.
   *
   * @param {Photo} photo
   */
  function show(photo) {
    if (!photo.urls) return;
    const large =
      photo.urls.thumbnails.large ?? photo.urls.thumbnails.preview ?? photo.urls.thumbnails.thumb ?? '';
    const rendition = photo.renditions?.find((r) => r.preset === 'large');
    dialog.dataset.id = photo.id;
    title.textContent = photo.filename;
    image.alt = photo.filename;
    // Width and height reserve the right box before a byte arrives; the placeholder fills it meanwhile.
    if (rendition) {
      image.width = rendition.width;
      image.height = rendition.height;
    } else {
      image.removeAttribute('width');
      image.removeAttribute('height');
    }
    const placeholder = placeholderUrl(photo.placeholder);
    image.style.backgroundImage = placeholder ? `url("${placeholder}")` : '';
    image.src = resolve(large);
    const facts = [];
    if (photo.width && photo.height) facts.push(`${photo.width} × ${photo.height}`);
    facts.push(formatBytes(photo.size), photo.contentType);
    // What analysis saw (labels, most confident first) and, when moderation did not allow it, why.
    if (photo.labels?.length) facts.push(`Labels: ${photo.labels.map((l) => l.name).join(', ')}`);
    const flagged = photo.moderation && photo.moderation.verdict !== 'allow' ? photo.moderation : undefined;
    if (flagged) facts.push(`Flagged (${flagged.verdict}): ${flagged.labels.map((l) => l.name).join(', ')}`);
    caption.textContent = facts.join(' · ');
    original.href = resolve(photo.urls.original);
  }

  return {
    /**
     * Shows a ready photo; one without URLs (still processing) has nothing to show.
     *
     * @param {Photo} photo
     */
    open(photo) {
      if (!photo.urls) return;
      shown = { id: photo.id, refreshed: false };
      show(photo);
      dialog.showModal();
    },

    close() {
      if (dialog.open) dialog.close();
    },
  };
}
