import { flagOf, hasLabel } from './analysis.js';
import { ApiError, messageOf, SessionEndedError } from './api.js';
import { createPager } from './pager.js';
import { renderTile } from './tile.js';

const PAGE_SIZE = 24;
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 10_000;
/**
 * Stop polling a photo that stays pending this long (its upload was abandoned
 * somewhere else), or processing (its thumbnails take seconds: something broke).
 */
const POLL_GIVE_UP_MS = 10 * 60_000;
/**
 * A video is transcoded: minutes for a long one, and on AWS a workflow may run
 * for up to 3 hours before it is failed (WORKFLOW_TIMEOUT in deploy/lib/video.ts),
 * so a processing video is polled that long, once a minute after the first ten.
 */
const VIDEO_POLL_GIVE_UP_MS = 3 * 60 * 60_000;
const VIDEO_POLL_SLOW_MS = 60_000;
/**
 * How long a ready photo is still polled for its analysis (labels, moderation),
 * which a consumer of its own adds after the thumbnails, where config.json says
 * uploads are analysed (or does not say): a lost analysis is not waited for forever.
 */
const ANALYSIS_WAIT_MS = 2 * 60_000;

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {{ li: HTMLLIElement, photo: Photo, retriedImage?: boolean }} Tile
 * @typedef {{ preview?: string, uploading: boolean }} LocalUpload
 * @typedef {{ timer: number, delay: number, started: number, readyAt?: number, photo: Photo,
 *   fromHere: boolean }} Watch
 * @typedef {{ grid: HTMLElement, empty: HTMLElement, more: HTMLButtonElement, heading: HTMLElement }} GridElements
 */

/** @param {Photo} photo what a tile shows of it: a change here renders the tile again */
const lookOf = (photo) => `${photo.status}|${flagOf(photo) ?? ''}`;

/** @param {number} n */
const photos = (n) => `${n} photo${n === 1 ? '' : 's'}`;

/**
 * The newest-first grid of photos: pages through the listing (web/pager.js),
 * all of them or those with one label, shows a photo being uploaded from this
 * page with a preview the browser makes from the file, polls each photo until
 * its thumbnails and its analysis are in, and deletes. It owns the tiles and
 * their previews; opening a photo and a finished delete are reported through
 * `onOpen` and `onDeleted`, and a polled photo's news through `onChanged`.
 *
 * While a label is shown, a photo uploaded from this page joins the grid once
 * its analysis gives it that label: a new upload has no labels yet, and the
 * upload list shows its progress meanwhile.
 *
 * @example
 *   const grid = createGrid({ api, elements, announce, onOpen: (photo) => viewer.open(photo), onDeleted: () => viewer.close() });
 *   await grid.loadMore();
 *
 * @param {{
 *   api: Api,
 *   elements: GridElements,
 *   announce: (message: string) => void,
 *   label?: string,
 *   analysed?: boolean,
 *   onOpen: (photo: Photo) => void,
 *   onChanged?: (photo: Photo) => void,
 *   onDeleted: (id: string) => void,
 * }} options `label`: only photos with it, from the start. `analysed`: whether uploads get
 *   an analysis to wait for (config.json's `analysis`; default true). `onDeleted` runs before the tile
 *   goes, so a dialog showing the photo can close and hand focus back first; the grid then
 *   moves it to a neighbour.
 */
export function createGrid({
  api,
  elements,
  announce,
  label: initialLabel,
  analysed = true,
  onOpen,
  onChanged,
  onDeleted,
}) {
  const { grid, empty, more, heading } = elements;
  const emptyText = empty.textContent ?? '';
  /** @type {Map<string, Tile>} the tiles on show */
  const tiles = new Map();
  /** @type {Map<string, LocalUpload>} uploads from this page: whether their bytes are on the way, the file's preview */
  const local = new Map();
  /** @type {Map<string, Watch>} photos polled until they settle, shown or not: they outlive a change of label */
  const watches = new Map();
  /** @type {string | undefined} */
  let label = initialLabel;
  /** Bumped when the identity changes, so answers for the previous owner are dropped. */
  let generation = 0;
  /** Bumped when the label changes, so an older listing's summary is not announced. */
  let shown = 0;

  const pager = createPager({
    api,
    more,
    pageSize: PAGE_SIZE,
    announce,
    label: () => label,
    onPage(items) {
      // A photo uploaded from this page is already at the top; skip it when its page arrives.
      for (const photo of items) if (!tiles.has(photo.id)) addTile(photo, 'end');
      if (pager.exhausted && tiles.size > 0) {
        announce(`${photos(tiles.size)}${label ? ` labelled ${label}` : ''}.`);
      }
    },
    onSettled: () => updateEmpty(),
  });

  /** @param {Photo} photo */
  const render = (photo) =>
    renderTile(photo, {
      resolve: (url) => api.resolve(url),
      onImageError: (id) => void refreshAfterImageError(id),
      preview: local.get(photo.id)?.preview,
      uploading: local.get(photo.id)?.uploading,
    });

  /** @param {Photo} photo whether it belongs among the photos shown now */
  const belongs = (photo) => !label || hasLabel(photo, label);

  /**
   * @param {Photo} photo
   * @param {'end' | 'sorted'} where `sorted`: by id, which is time-ordered (UUIDv7), so a
   *   photo that arrives out of the listing's turn still lands where the listing puts it
   */
  function addTile(photo, where) {
    const li = render(photo);
    const present = /** @type {HTMLLIElement[]} */ ([...grid.children]);
    const older =
      where === 'sorted' ? present.find((other) => (other.dataset.id ?? '') < photo.id) : undefined;
    if (older) older.before(li);
    else grid.append(li);
    tiles.set(photo.id, { photo, li });
    if ((photo.status === 'pending' || photo.status === 'processing') && !local.get(photo.id)?.uploading) {
      watch(photo);
    }
    updateEmpty();
  }

  /**
   * The browser's own picture of the file stands in until the thumbnail is
   * ready; past that (or when the photo will never have one) its object URL is let go.
   *
   * @param {Photo} photo
   */
  function dropPreviewOnceDone(photo) {
    const mine = local.get(photo.id);
    if (mine && !mine.uploading && photo.status !== 'pending' && photo.status !== 'processing') {
      if (mine.preview) URL.revokeObjectURL(mine.preview);
      local.delete(photo.id);
    }
  }

  /**
   * Keeps a tile's photo current (the viewer opens what it holds); the tile is
   * built again only when what it shows changes, so a poll does not reload its image.
   *
   * @param {Photo} photo
   * @param {boolean} [force] render again even when it looks the same
   */
  function updateTile(photo, force = false) {
    const tile = tiles.get(photo.id);
    if (!tile) return;
    const before = lookOf(tile.photo);
    tile.photo = photo;
    if (!force && before === lookOf(photo)) return;
    dropPreviewOnceDone(photo);
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

  /** @param {string} id takes the tile off the grid; the photo may still be polled */
  function removeTile(id) {
    const tile = tiles.get(id);
    if (!tile) return;
    tiles.delete(id);
    tile.li.remove();
    updateEmpty();
  }

  /** @param {string} id the photo is gone: its tile, its polling and its preview */
  function forget(id) {
    clearTimeout(watches.get(id)?.timer);
    watches.delete(id);
    const preview = local.get(id)?.preview;
    if (preview) URL.revokeObjectURL(preview);
    local.delete(id);
    removeTile(id);
  }

  function updateEmpty() {
    empty.textContent = label ? `No photos labelled ${label}.` : emptyText;
    empty.hidden = tiles.size > 0 || !pager.exhausted;
  }

  /**
   * Whether a photo may still change in a way the page shows: its thumbnails,
   * then its analysis (which may also hold it, under a blocking policy).
   *
   * @param {Photo} photo
   * @param {Watch} w
   */
  function changing(photo, w) {
    const now = Date.now();
    if (photo.status === 'pending' || photo.status === 'processing') {
      return now - w.started < (transcoding(photo) ? VIDEO_POLL_GIVE_UP_MS : POLL_GIVE_UP_MS);
    }
    if (photo.status !== 'ready' || photo.analysis || !analysed) return false;
    w.readyAt ??= now;
    return now - w.readyAt < ANALYSIS_WAIT_MS;
  }

  /** @param {Photo} photo */
  const transcoding = (photo) => photo.kind === 'video' && photo.status === 'processing';

  /**
   * How long until the next poll: backing off to POLL_MAX_MS, and to once a
   * minute for a video still transcoding after POLL_GIVE_UP_MS (a long one).
   *
   * @param {Watch} w
   */
  function nextDelay(w) {
    const slow = transcoding(w.photo) && Date.now() - w.started >= POLL_GIVE_UP_MS;
    return slow ? VIDEO_POLL_SLOW_MS : Math.min(w.delay * 1.5, POLL_MAX_MS);
  }

  /**
   * A polled photo's news: its tile follows, it joins the grid once it
   * belongs there, and the person hears what changed.
   *
   * @param {Photo} photo
   * @param {Photo} before
   * @param {boolean} fromHere
   */
  function arrived(photo, before, fromHere) {
    const { filename } = photo;
    if (tiles.has(photo.id)) updateTile(photo);
    else if (belongs(photo) && (!label || photo.analysis)) addTile(photo, 'sorted');
    dropPreviewOnceDone(photo);
    if (photo.status !== before.status || Boolean(photo.analysis) !== Boolean(before.analysis))
      onChanged?.(photo);

    const news = [];
    if (photo.status === 'ready' && before.status !== 'ready') news.push(`${filename} is ready.`);
    if (photo.status === 'failed' && before.status !== 'failed') {
      news.push(`${filename} failed: ${photo.failure?.message ?? ''}`);
    }
    if (photo.status === 'rejected' && before.status !== 'rejected') {
      news.push(`${filename} is held by moderation: ${photo.failure?.message ?? ''}.`);
    } else if (flagOf(photo) && !flagOf(before)) {
      news.push(`${filename} was flagged ${flagOf(photo) === 'review' ? 'for review' : 'by moderation'}.`);
    }
    // Where an upload from this page went, when it may not be among the photos shown.
    if (label && fromHere && photo.analysis && !before.analysis) {
      news.push(
        tiles.has(photo.id)
          ? `${filename} is labelled ${label}, so it shows here.`
          : `${filename} is not labelled ${label}: Show all photos to see it.`,
      );
    }
    if (news.length > 0) announce(news.join(' '));
  }

  /**
   * Polls one photo until it settles, backing off so a slow queue is not
   * hammered; the page has no push channel from the workers.
   *
   * @param {Photo} photo
   * @param {{ fromHere?: boolean }} [options] `fromHere`: uploaded from this page, so where it went is worth saying
   */
  function watch(photo, { fromHere = false } = {}) {
    const { id } = photo;
    const w = watches.get(id) ?? { timer: 0, delay: POLL_FIRST_MS, started: Date.now(), photo, fromHere };
    w.fromHere ||= fromHere;
    w.delay = POLL_FIRST_MS;
    watches.set(id, w);
    poll(w);
  }

  /** @param {Watch} w */
  function poll(w) {
    const { id } = w.photo;
    clearTimeout(w.timer);
    const gen = generation;
    const current = () => gen === generation && watches.get(id) === w;
    w.timer = window.setTimeout(async () => {
      if (!current()) return;
      try {
        /** @type {Photo} */
        const fresh = await api.getPhoto(id);
        if (!current()) return;
        const before = w.photo;
        w.photo = fresh;
        arrived(fresh, before, w.fromHere);
        if (!changing(fresh, w)) {
          watches.delete(id);
          return;
        }
        w.delay = nextDelay(w);
      } catch (error) {
        if (!current()) return;
        if (error instanceof ApiError && error.status === 404) return forget(id);
        if (error instanceof SessionEndedError) return;
        w.delay = Math.min(w.delay * 2, POLL_MAX_MS * 3);
      }
      poll(w);
    }, w.delay);
  }

  /** @param {string} id */
  function unwatch(id) {
    clearTimeout(watches.get(id)?.timer);
    watches.delete(id);
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
      if (error instanceof ApiError && error.status === 404) forget(id);
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
    forget(id);
    if (focusWasInside) (neighbour ?? heading).focus();
    announce(`${filename} deleted.`);
  }

  /** Takes every tile off and forgets the listing's place, to list afresh. */
  function emptyGrid() {
    shown++;
    pager.reset();
    for (const id of [...tiles.keys()]) removeTile(id);
    updateEmpty();
  }

  function clear() {
    generation++;
    emptyGrid();
    for (const id of [...watches.keys(), ...local.keys()]) forget(id);
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

    /** The label shown, if any. */
    get label() {
      return label;
    },

    /**
     * Lists afresh the photos with `next` (all photos without one), and says
     * what the first page brought. Photos still being polled keep being polled,
     * and join if they belong.
     *
     * @param {string | undefined} next
     */
    async show(next) {
      label = next;
      emptyGrid();
      const mine = shown;
      await pager.loadMore();
      if (mine !== shown) return;
      const count = `${photos(tiles.size)}${pager.exhausted ? '' : ' so far'}`;
      if (!label) announce(`Showing all photos: ${count}.`);
      else if (tiles.size === 0 && pager.exhausted) announce(`No photos labelled ${label}.`);
      else announce(`Showing photos labelled ${label}: ${count}.`);
    },

    /**
     * Shows a photo whose upload from this page has started, at the top (or in
     * place, when resuming one the listing brought), with a preview the browser
     * makes from the file when it can show that type (a video's first frame).
     * While a label is shown it waits off the grid: it has no labels yet.
     *
     * @param {Photo} photo
     * @param {File} file
     */
    addUploading(photo, file) {
      const previous = local.get(photo.id)?.preview;
      if (previous) URL.revokeObjectURL(previous);
      const showable = photo.kind === 'video' || file.type.startsWith('image/');
      const preview = showable ? URL.createObjectURL(file) : undefined;
      local.set(photo.id, { preview, uploading: true });
      unwatch(photo.id);
      if (tiles.has(photo.id)) updateTile(photo, true);
      else if (!label) addTile(photo, 'sorted');
    },

    /**
     * The upload's bytes have landed: thumbnails and analysis are on the way, polled until in.
     *
     * @param {Photo} photo
     */
    uploaded(photo) {
      const mine = local.get(photo.id);
      if (mine) mine.uploading = false;
      if (tiles.has(photo.id)) updateTile(photo, true);
      else if (!label) addTile(photo, 'sorted');
      else {
        announce(
          `${photo.filename} uploaded. It shows here once analysis labels it ${label}; Show all photos to see it now.`,
        );
      }
      watch(photo, { fromHere: true });
    },

    /**
     * An upload stopped: its photo is gone (cancelled, refused), or it waits
     * to be resumed and shows as such.
     *
     * @param {string} id
     * @param {boolean} gone
     */
    uploadStopped(id, gone) {
      if (gone) return forget(id);
      const mine = local.get(id);
      if (mine) mine.uploading = false;
      const tile = tiles.get(id);
      if (tile) updateTile(tile.photo, true);
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
