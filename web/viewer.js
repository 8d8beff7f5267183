import { flagOf, flagWords, moderationLabelsOf } from './analysis.js';
import { h } from './dom.js';
import { placeholderUrl } from './placeholder.js';
import { formatBytes } from './upload.js';

/**
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {{ dialog: HTMLDialogElement, title: HTMLElement, image: HTMLImageElement, caption: HTMLElement,
 *   notice: HTMLElement, labels: HTMLElement, labelList: HTMLElement, original: HTMLAnchorElement,
 *   remove: HTMLButtonElement }} ViewerElements
 */

/**
 * The chips of a photo's labels, most confident first: real buttons, each
 * with its confidence in the description a screen reader gives after the name.
 *
 * @param {Photo} photo
 */
function chipsOf(photo) {
  const labels = [...(photo.labels ?? [])].sort((a, b) => b.confidence - a.confidence);
  return labels.map((l) =>
    h('li', {}, [
      h(
        'button',
        {
          type: 'button',
          class: 'chip',
          'data-label': l.name,
          title: `Show photos labelled ${l.name} (${Math.round(l.confidence)}% confident)`,
        },
        [l.name],
      ),
    ]),
  );
}

/**
 * What moderation and analysis said, when there is something to say: why a
 * photo is held, that it is flagged, or that it could not be analysed.
 *
 * @param {Photo} photo
 * @returns {{ text: string, tone: 'held' | 'review' | 'block' | 'note' } | undefined}
 */
function noticeOf(photo) {
  if (photo.status === 'rejected') {
    const reason = photo.failure?.message ?? 'none given';
    return { text: `Held by moderation, so it is not shown. Reason: ${reason}.`, tone: 'held' };
  }
  const flag = flagOf(photo);
  if (flag) return { text: `⚑ ${flagWords(flag)}: ${moderationLabelsOf(photo)}.`, tone: flag };
  if (photo.analysis?.status === 'failed') {
    return { text: `Not analysed: ${photo.analysis.reason ?? 'the analyser refused it'}.`, tone: 'note' };
  }
  return undefined;
}

/**
 * The full-size viewer: a modal `<dialog>` with the large rendition, its size
 * and type, its labels as chips, what moderation said, a link to the original
 * and a delete button. It keeps no photos of its own: it shows the one it is
 * given and reports a delete through `onDelete`, a chosen label through
 * `onLabel`. A photo moderation holds opens too, with no image and the reason.
 * Signed URLs expire: when the image fails to load, it asks `refresh` for the
 * photo with fresh URLs, once.
 *
 * @example
 *   const viewer = createViewer({ elements, resolve: (url) => api.resolve(url),
 *     refresh: (id) => api.getPhoto(id), onDelete: (id) => grid.deletePhoto(id),
 *     onLabel: (label) => filter.choose(label) });
 *   viewer.open(photo);
 *
 * @param {{ elements: ViewerElements, resolve: (url: string) => string,
 *   refresh: (id: string) => Promise<Photo>, onDelete: (id: string) => void,
 *   onLabel: (label: string) => void }} options
 */
export function createViewer({ elements, resolve, refresh, onDelete, onLabel }) {
  const { dialog, title, image, caption, notice, labels, labelList, original, remove } = elements;
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
  labelList.addEventListener('click', (event) => {
    const label = /** @type {HTMLElement} */ (event.target)
      .closest('[data-label]')
      ?.getAttribute('data-label');
    if (label) onLabel(label);
  });

  /**
   * Fills the dialog with a photo's large rendition (none for a held photo) and facts.
   *
   * @param {Photo} photo
   */
  function show(photo) {
    dialog.dataset.id = photo.id;
    title.textContent = photo.filename;
    showImage(photo);
    const facts = [];
    if (photo.width && photo.height) facts.push(`${photo.width} × ${photo.height}`);
    facts.push(formatBytes(photo.size), photo.contentType);
    caption.textContent = facts.join(' · ');
    const said = noticeOf(photo);
    notice.hidden = !said;
    notice.textContent = said?.text ?? '';
    notice.dataset.tone = said?.tone ?? '';
    labelList.replaceChildren(...chipsOf(photo));
    labels.hidden = labelList.childElementCount === 0;
  }

  /** @param {Photo} photo */
  function showImage(photo) {
    image.hidden = !photo.urls;
    original.hidden = !photo.urls;
    if (!photo.urls) {
      image.removeAttribute('src');
      original.removeAttribute('href');
      return;
    }
    const large =
      photo.urls.thumbnails.large ?? photo.urls.thumbnails.preview ?? photo.urls.thumbnails.thumb ?? '';
    const rendition = photo.renditions?.find((r) => r.preset === 'large');
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
    original.href = resolve(photo.urls.original);
  }

  return {
    /**
     * Shows a ready photo, or a held one with why; one still processing has nothing to show.
     *
     * @param {Photo} photo
     */
    open(photo) {
      if (!photo.urls && photo.status !== 'rejected') return;
      shown = { id: photo.id, refreshed: false };
      show(photo);
      dialog.showModal();
    },

    close() {
      if (dialog.open) dialog.close();
    },
  };
}
