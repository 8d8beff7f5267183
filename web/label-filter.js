import { sameLabel } from './analysis.js';
import { h } from './dom.js';

/** The page address's query parameter: `/?label=Dog`. */
const PARAM = 'label';
/** The API takes labels of up to 100 characters; a longer one in an address is no filter. */
const MAX_LABEL = 100;

/**
 * @typedef {{ bar: HTMLElement, name: HTMLElement, clear: HTMLButtonElement, heading: HTMLElement }} LabelFilterElements
 * @typedef {'chosen' | 'cleared' | 'history'} LabelChange
 */

/** @returns {string | undefined} the label in the page's address, if it names one the API would take */
function labelInAddress() {
  const value = new URL(location.href).searchParams.get(PARAM)?.trim();
  return value && value.length <= MAX_LABEL ? value : undefined;
}

/**
 * Which label the gallery shows (none: every photo). It lives in the page's
 * address as `?label=Dog`, so a reload keeps it and the link can be shared;
 * each change is a history entry, so Back returns to the gallery as it was
 * (the browser's, through `popstate`). It owns the "Labelled Dog · Show all
 * photos" bar above the grid and the heading's words; the grid lists, through
 * `onChange`.
 *
 * @example
 *   const filter = createLabelFilter({ elements, onChange: (label) => void grid.show(label) });
 *   filter.choose('Dog'); // the address becomes ?label=Dog, and onChange('Dog', 'chosen') runs
 *
 * @param {{ elements: LabelFilterElements, onChange: (label: string | undefined, why: LabelChange) => void }} options
 *   `why`: `history` when Back or Forward made the change, which moves no focus
 */
export function createLabelFilter({ elements, onChange }) {
  const { bar, name, clear, heading } = elements;
  const title = document.title;
  let label = labelInAddress();

  function render() {
    bar.hidden = !label;
    name.textContent = label ?? '';
    // What a screen reader hears when focus lands on the heading; the bar says it to the eye.
    heading.replaceChildren(
      'Photos',
      ...(label ? [h('span', { class: 'visually-hidden' }, [` labelled ${label}`])] : []),
    );
    document.title = label ? `${label} · ${title}` : title;
  }

  /**
   * @param {string | undefined} next
   * @param {LabelChange} why
   */
  function go(next, why) {
    const url = new URL(location.href);
    if (next) url.searchParams.set(PARAM, next);
    else url.searchParams.delete(PARAM);
    history.pushState({ ...history.state, [PARAM]: next }, '', url.href);
    label = next;
    render();
    onChange(label, why);
  }

  clear.addEventListener('click', () => go(undefined, 'cleared'));
  window.addEventListener('popstate', () => {
    const next = labelInAddress();
    if (next === label) return;
    label = next;
    render();
    onChange(label, 'history');
  });
  render();

  return {
    /** The label shown now, if any. */
    get label() {
      return label;
    },

    /**
     * Shows the photos with `next`; the one shown already (in any case) changes nothing
     * in the address, but is reported again, so a chip in the viewer always leads somewhere.
     *
     * @param {string} next
     */
    choose(next) {
      if (label && sameLabel(label, next)) onChange(label, 'chosen');
      else go(next.trim().slice(0, MAX_LABEL), 'chosen');
    },
  };
}
