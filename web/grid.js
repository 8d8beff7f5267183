import { ApiError, messageOf, SessionEndedError } from './api.js';
import { createPager } from './pager.js';
import { renderTile } from './tile.js';

const PAGE_SIZE = 24;
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 10_000;
/** Stop polling a photo that stays pending this long: its upload was abandoned somewhere else. */
const POLL_GIVE_UP_MS = 10 * 60_000;

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {{ li: HTMLLIElement, photo: Photo, timer?: number, pollStarted?: number, retriedImage?: boolean,
 *   preview?: string, uploading?: boolean }} Tile
 * @typedef {{ grid: HTMLElement, empty: HTMLElement, more: HTMLButtonElement, heading: HTMLElement }} GridElements
 */

/**
 * The newest-first grid of photos: pages through the listing (web/pager.js),
 * shows a photo being uploaded from this page with a preview the browser makes
 * from the file, polls each photo until its thumbnails are ready, and deletes.
 * It owns the tiles and their previews; opening a photo and a finished delete
 * are reported through `onOpen` and `onDeleted`.
 *
 * @example
 *   const grid = createGrid({ api, elements, announce, onOpen: (photo) => viewer.open(photo), onDeleted: () => viewer.close() });
 *   await grid.loadMore();
 *
 * @param {{
 *   api: Api,
 *   elements: GridElements,
 *   announce: (message: string) => void,
 *   onOpen: (photo: Photo) => void,
 *   onDeleted: (id: string) => void,
 * }} options `onDeleted` runs before the tile goes, so a dialog showing the photo
 *   can close and hand focus back first; the grid then moves it to a neighbour.
 */
export function createGrid({ api, elements, announce, onOpen, onDeleted }) {
  const { grid, empty, more, heading } = elements;
  /** @type {Map<string, Tile>} */
  const tiles = new Map();
  /** Bumped when the identity changes, so answers for the previous owner are dropped. */
  let generation = 0;

  const pager = createPager({
    api,
    more,
    pageSize: PAGE_SIZE,
    announce,
    onPage(items) {
      // A photo uploaded from this page is already at the top; skip it when its page arrives.
      for (const photo of items) if (!tiles.has(photo.id)) addTile({ photo }, 'end');
      if (pager.exhausted && tiles.size > 0) announce(`${tiles.size} photo${tiles.size === 1 ? '' : 's'}.`);
    },
    onSettled: () => updateEmpty(),
  });

  /** @param {Pick<Tile, 'photo' | 'preview' | 'uploading'>} tile */
  const render = ({ photo, preview, uploading }) =>
    renderTile(photo, {
      resolve: (url) => api.resolve(url),
      onImageError: (id) => void refreshAfterImageError(id),
      preview,
      uploading,
    });

  /**
   * @param {Pick<Tile, 'photo' | 'preview' | 'uploading'>} tile
   * @param {'start' | 'end'} where
   */
  function addTile(tile, where) {
    const li = render(tile);
    if (where === 'start') grid.prepend(li);
    else grid.append(li);
    const { photo } = tile;
    tiles.set(photo.id, { ...tile, li });
    if ((photo.status === 'pending' || photo.status === 'processing') && !tile.uploading) watch(photo.id);
    updateEmpty();
  }

  /**
   * The browser's own picture of the file stands in until the thumbnail is
   * ready; past that (or when the photo failed) its object URL is let go.
   *
   * @param {Tile} tile
   */
  function dropPreviewOnceDone(tile) {
    if (tile.preview && (tile.photo.status === 'ready' || tile.photo.status === 'failed')) {
      URL.revokeObjectURL(tile.preview);
      tile.preview = undefined;
    }
  }

  /**
   * @param {Photo} photo
   * @param {boolean} [force] render again even when the status is the same
   */
  function updateTile(photo, force = false) {
    const tile = tiles.get(photo.id);
    if (!tile) return;
    const before = tile.photo.status;
    tile.photo = photo;
    if (!force && before === photo.status && photo.status !== 'ready') return;
    dropPreviewOnceDone(tile);
    // Keep keyboard focus where it was when the tile is replaced under it.
    const hadFocus = tile.li.contains(document.activeElement);
    const focusedAction = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.action;
    const li = render(tile);
    tile.li.replaceWith(li);
    tile.li = li;
    if (hadFocus) {
      /** @type {HTMLElement | null} */ (
        li.querySelector(`[data-action="${focusedAction}"]`) ?? li.querySelector('[data-action]')
      )?.focus();
    }
  }

  /** @param {string} id */
  function removeTile(id) {
    const tile = tiles.get(id);
    if (!tile) return;
    clearTimeout(tile.timer);
    if (tile.preview) URL.revokeObjectURL(tile.preview);
    tiles.delete(id);
    tile.li.remove();
    updateEmpty();
  }

  function updateEmpty() {
    empty.hidden = tiles.size > 0 || !pager.exhausted;
  }

  /**
   * Polls one photo until its thumbnails are ready or it failed, backing off so
   * a slow queue is not hammered; the page has no push channel from the worker.
   *
   * @param {string} id
   * @param {number} [delay]
   */
  function watch(id, delay = POLL_FIRST_MS) {
    const tile = tiles.get(id);
    if (!tile) return;
    tile.pollStarted ??= Date.now();
    clearTimeout(tile.timer);
    const gen = generation;
    tile.timer = window.setTimeout(async () => {
      if (gen !== generation || !tiles.has(id)) return;
      const next = Math.min(delay * 1.5, POLL_MAX_MS);
      try {
        /** @type {Photo} */
        const photo = await api.getPhoto(id);
        if (gen !== generation) return;
        updateTile(photo);
        if (photo.status === 'ready') announce(`${photo.filename} is ready.`);
        else if (photo.status === 'failed')
          announce(`${photo.filename} failed: ${photo.failure?.message ?? ''}`);
        else if (Date.now() - (tile.pollStarted ?? 0) < POLL_GIVE_UP_MS) watch(id, next);
      } catch (error) {
        if (error instanceof ApiError && error.status === 404) removeTile(id);
        else if (!(error instanceof SessionEndedError)) watch(id, Math.min(delay * 2, POLL_MAX_MS * 3));
      }
    }, delay);
  }

  /**
   * Signed URLs expire (15 minutes by default): a thumbnail that fails to load in
   * a page left open is fetched again once with fresh URLs.
   *
   * @param {string} id
   */
  async function refreshAfterImageError(id) {
    const tile = tiles.get(id);
    if (!tile || tile.retriedImage) return;
    tile.retriedImage = true;
    try {
      const photo = await api.getPhoto(id);
      if (tiles.has(id)) updateTile(photo, true);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) removeTile(id);
    }
  }

  /** @param {string} id */
  async function deletePhoto(id) {
    const tile = tiles.get(id);
    if (!tile) return;
    const { filename } = tile.photo;
    if (!window.confirm(`Delete “${filename}”? This cannot be undone.`)) return;
    try {
      await api.deletePhoto(id);
    } catch (error) {
      // Already gone (deleted in another tab) is what the user asked for.
      if (!(error instanceof ApiError && error.status === 404)) {
        announce(`Could not delete ${filename}: ${messageOf(error)}`);
        return;
      }
    }
    onDeleted(id);
    // Move focus to a neighbour rather than losing it to <body>.
    const neighbour = /** @type {HTMLElement | null} */ (
      (tile.li.nextElementSibling ?? tile.li.previousElementSibling)?.querySelector('[data-action]') ?? null
    );
    const focusWasInside =
      tile.li.contains(document.activeElement) || document.activeElement === document.body;
    removeTile(id);
    if (focusWasInside) (neighbour ?? heading).focus();
    announce(`${filename} deleted.`);
  }

  function clear() {
    generation++;
    pager.reset();
    for (const id of [...tiles.keys()]) removeTile(id);
    updateEmpty();
  }

  grid.addEventListener('click', (event) => {
    const target = /** @type {HTMLElement} */ (event.target).closest('[data-action]');
    const id = target?.closest('li')?.dataset.id;
    if (!target || !id) return;
    const photo = tiles.get(id)?.photo;
    if (target.getAttribute('data-action') === 'open' && photo) onOpen(photo);
    else if (target.getAttribute('data-action') === 'delete') void deletePhoto(id);
  });

  return {
    loadMore: () => pager.loadMore(),
    deletePhoto,

    /**
     * Shows a photo whose upload from this page has started, at the top (or in
     * place, when resuming one the listing brought), with a preview the browser
     * makes from the file when it can show that type.
     *
     * @param {Photo} photo
     * @param {File} file
     */
    addUploading(photo, file) {
      const preview = file.type.startsWith('image/') ? URL.createObjectURL(file) : undefined;
      const tile = tiles.get(photo.id);
      if (!tile) return addTile({ photo, preview, uploading: true }, 'start');
      clearTimeout(tile.timer);
      if (tile.preview) URL.revokeObjectURL(tile.preview);
      Object.assign(tile, { preview, uploading: true });
      updateTile(photo, true);
    },

    /**
     * The upload's bytes have landed: thumbnails are on the way, polled until ready.
     *
     * @param {Photo} photo
     */
    uploaded(photo) {
      const tile = tiles.get(photo.id);
      if (!tile) return addTile({ photo }, 'start');
      tile.uploading = false;
      updateTile(photo, true);
      watch(photo.id);
    },

    /**
     * An upload stopped: its photo is gone (cancelled, refused), or it waits
     * to be resumed and shows as such.
     *
     * @param {string} id
     * @param {boolean} gone
     */
    uploadStopped(id, gone) {
      const tile = tiles.get(id);
      if (!tile) return;
      if (gone) return removeTile(id);
      tile.uploading = false;
      updateTile(tile.photo, true);
    },

    /** Forgets every photo and stops polling: the identity changed or the session ended. */
    clear,

    /** Starts over from the first page, for another identity. */
    reload() {
      clear();
      return pager.loadMore();
    },
  };
}
