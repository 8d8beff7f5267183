import { ApiError, SessionEndedError } from './api.js';

/** Retries of a failed page before the page stops trying on its own: 1 s, 2 s, 4 s apart. */
const RETRY_DELAYS_MS = [1000, 2000, 4000];

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 */

/**
 * Why a page of the listing failed, in words for the person, and whether
 * trying again can help: an owner id the API refuses or any other refusal
 * will be refused again; no answer or a server error may pass.
 *
 * @param {unknown} error
 * @param {'dev' | 'jwt'} mode
 * @returns {{ message: string, retry: boolean }}
 */
function problemOf(error, mode) {
  if (error instanceof TypeError) return { message: 'the server could not be reached.', retry: true };
  if (!(error instanceof ApiError)) return { message: String(error), retry: false };
  if (error.status === 401 && mode === 'dev') {
    return { message: `the owner id in “Acting as” is not valid: ${error.message}`, retry: false };
  }
  if (error.status >= 500 || error.status === 408 || error.status === 429) {
    return { message: `the server failed (${error.status}): ${error.message}`, retry: true };
  }
  return { message: error.message, retry: false };
}

/**
 * The cursor paging of the gallery: "Load more", which doubles as the
 * infinite-scroll sentinel, and what happens when a page fails. A failed page
 * is retried a few times with growing pauses, then the button says "Try again"
 * and waits for the person: the sentinel is only watched after a page that
 * loaded, so a failing listing can never loop. It owns the cursor; the items
 * go to `onPage`. The cursor goes with the label it was given for: a new label
 * starts over after `reset`.
 *
 * @example
 *   const pager = createPager({ api, more, announce, label: () => undefined, onPage: (items) => items.forEach(add),
 *     onSettled: updateEmpty });
 *   await pager.loadMore();
 *
 * @param {{ api: Api, more: HTMLButtonElement, pageSize: number, announce: (message: string) => void,
 *   label: () => string | undefined, onPage: (items: Photo[]) => void, onSettled: () => void }} options
 *   `label`: only photos with it, when it gives one; `onSettled` runs after every attempt, so the
 *   grid can say "No photos yet" once the listing is known to be empty
 */
export function createPager({ api, more, pageSize, announce, label, onPage, onSettled }) {
  /** @type {string | undefined} */
  let cursor;
  let exhausted = false;
  let loading = false;
  let failures = 0;
  let retryTimer = 0;
  /** Bumped by reset, so answers for the previous owner are dropped. */
  let generation = 0;

  /**
   * Re-observing after each page fires the callback again if the button is
   * still in view (a tall screen). The rootMargin is the scroller's: the page
   * scrolls inside <main>, above the status bar.
   */
  const observer = new IntersectionObserver(
    (entries) => {
      if (entries.some((entry) => entry.isIntersecting)) void loadMore();
    },
    { root: more.closest('main'), rootMargin: '400px 0px' },
  );

  async function loadMore() {
    if (loading || exhausted) return;
    loading = true;
    clearTimeout(retryTimer);
    observer.unobserve(more);
    const gen = generation;
    more.disabled = true;
    more.textContent = 'Loading…';
    let retryIn = 0;
    try {
      const page = await api.listPhotos({ limit: pageSize, cursor, label: label() });
      if (gen !== generation) return;
      failures = 0;
      cursor = page.nextCursor;
      exhausted = !cursor;
      onPage(page.items);
    } catch (error) {
      // An ended session has the sign-in screen to say so.
      if (gen !== generation || error instanceof SessionEndedError) return;
      const { message, retry } = problemOf(error, api.mode);
      const delay = retry ? RETRY_DELAYS_MS[failures] : undefined;
      failures++;
      if (delay) {
        retryIn = delay;
        announce(`Could not load photos: ${message} Trying again in ${delay / 1000} s…`);
      } else {
        announce(`Could not load photos: ${message}${retry ? ' Use “Try again” to retry.' : ''}`);
      }
    } finally {
      if (gen === generation) {
        loading = false;
        more.disabled = false;
        more.textContent = failures > 0 ? 'Try again' : 'Load more';
        more.hidden = exhausted;
        if (retryIn) retryTimer = window.setTimeout(() => void loadMore(), retryIn);
        else if (failures === 0 && !exhausted) observer.observe(more);
        onSettled();
      }
    }
  }

  more.addEventListener('click', () => {
    // The person asked: a fresh round of retries.
    failures = 0;
    void loadMore();
  });

  return {
    loadMore,

    /** Whether every page has been loaded. */
    get exhausted() {
      return exhausted;
    },

    /** Forgets the cursor and any retry under way: the identity or the label changed, or the session ended. */
    reset() {
      generation++;
      clearTimeout(retryTimer);
      observer.unobserve(more);
      loading = false;
      cursor = undefined;
      exhausted = false;
      failures = 0;
    },
  };
}
