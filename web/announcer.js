const CLEAR_AFTER_MS = 8000;

/**
 * Makes the page's one voice: the aria-live region, which doubles as a toast.
 * Each message clears itself so an old one does not sit over the grid. Every
 * module is handed the function this returns rather than the element.
 *
 * @example
 *   const announce = createAnnouncer(document.getElementById('status'));
 *   announce('flat.png uploaded.');
 *
 * @param {HTMLElement} region
 * @returns {(message: string) => void}
 */
export function createAnnouncer(region) {
  let timer = 0;
  return (message) => {
    region.textContent = message;
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      region.textContent = '';
    }, CLEAR_AFTER_MS);
  };
}
