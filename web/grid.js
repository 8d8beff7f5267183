import { ApiError, messageOf, SessionEndedError } from './api.js';
import { renderTile } from './tile.js';

const PAGE_SIZE = 24;
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 10_000;
/** Stop polling a photo that stays pending this long: its upload was abandoned somewhere else. */
const POLL_GIVE_UP_MS = 10 * 60_000;

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {{ li: HTMLLIElement, photo: Photo, timer?: number, pollStarted?: number, retriedImage?: boolean }} Tile
 * @typedef {{ grid: HTMLElement, empty: HTMLElement, more: HTMLButtonElement, heading: HTMLElement }} GridElements
 */

/**
 * The newest-first grid of photos: pages by cursor ("Load more", which doubles
 * as the infinite-scroll sentinel), polls each photo until its thumbnails are
 * ready, and deletes. It owns the tiles and the paging state; opening a photo
 * and a finished delete are reported through `onOpen` and `onDeleted`.
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
  /** @type {string | undefined} */
  let cursor;
  let exhausted = false;
  let loading = false;
  /** Bumped when the identity changes, so answers for the previous owner are dropped. */
  let generation = 0;

  /** @param {Photo} photo */
  const render = (photo) =>
    renderTile(photo, {
      resolve: (url) => api.resolve(url),
      onImageError: (id) => void refreshAfterImageError(id),
    });

  /**
   * @param {Photo} photo
   * @param {'start' | 'end'} where
   */
  function addTile(photo, where) {
    const li = render(photo);
    if (where === 'start') grid.prepend(li);
    else grid.append(li);
    tiles.set(photo.id, { li, photo });
    if (photo.status === 'pending' || photo.status === 'processing') watch(photo.id);
    updateEmpty();
  }

  /** @param {Photo} photo */
  function updateTile(photo) {
    const tile = tiles.get(photo.id);
    if (!tile) return;
    const before = tile.photo.status;
    tile.photo = photo;
    if (before === photo.status && photo.status !== 'ready') return;
    // Keep keyboard focus where it was when the tile is replaced under it.
    const hadFocus = tile.li.contains(document.activeElement);
    const focusedAction = /** @type {HTMLElement | null} */ (document.activeElement)?.dataset?.action;
    const li = render(photo);
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
    tiles.delete(id);
    tile.li.remove();
    updateEmpty();
  }

  function updateEmpty() {
    empty.hidden = tiles.size > 0 || !exhausted;
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
      if (!tiles.has(id)) return;
      const fresh = render(photo);
      tile.li.replaceWith(fresh);
      tile.li = fresh;
      tile.photo = photo;
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) removeTile(id);
    }
  }

  async function loadMore() {
    if (loading || exhausted) return;
    loading = true;
    const gen = generation;
    more.disabled = true;
    more.textContent = 'Loading…';
    try {
      const page = await api.listPhotos({ limit: PAGE_SIZE, cursor });
      if (gen !== generation) return;
      // A photo uploaded from this page is already at the top; skip it when its page arrives.
      for (const photo of page.items) if (!tiles.has(photo.id)) addTile(photo, 'end');
      cursor = page.nextCursor;
      exhausted = !cursor;
      if (!cursor && tiles.size > 0) announce(`${tiles.size} photo${tiles.size === 1 ? '' : 's'}.`);
    } catch (error) {
      // An ended session has the sign-in screen to say so.
      if (gen !== generation || error instanceof SessionEndedError) return;
      announce(`Could not load photos: ${messageOf(error)}`);
    } finally {
      if (gen === generation) {
        loading = false;
        more.disabled = false;
        more.textContent = 'Load more';
        more.hidden = exhausted;
        updateEmpty();
        rearmInfiniteScroll();
      }
    }
  }

  /**
   * Infinite scroll: the "Load more" button doubles as the sentinel, so keyboard
   * and screen-reader users keep an explicit control. Re-observing after each
   * page fires the callback again if the button is still in view (a tall screen).
   */
  const scrollObserver = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    },
    { rootMargin: '400px 0px' },
  );

  function rearmInfiniteScroll() {
    scrollObserver.unobserve(more);
    if (!exhausted) scrollObserver.observe(more);
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
    loading = false;
    for (const id of [...tiles.keys()]) removeTile(id);
    cursor = undefined;
    exhausted = false;
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

  more.addEventListener('click', () => void loadMore());

  return {
    loadMore,
    deletePhoto,

    /**
     * Puts a photo uploaded from this page at the top, unless a page of the
     * listing brought it already.
     *
     * @param {Photo} photo
     */
    addNew(photo) {
      if (!tiles.has(photo.id)) addTile(photo, 'start');
    },

    /** Forgets every photo and stops polling: the identity changed or the session ended. */
    clear,

    /** Starts over from the first page, for another identity. */
    reload() {
      clear();
      return loadMore();
    },
  };
}
