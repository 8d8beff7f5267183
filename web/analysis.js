/**
 * What analysis says about a photo, in the page's words: the tile, the viewer
 * and the grid all ask the same questions, so they ask them here.
 *
 * @typedef {import('./api.js').Photo} Photo
 */

/**
 * Labels compare as the API compares them (any case, no surrounding spaces),
 * so `?label=dog` and a chip "Dog" are the same filter.
 *
 * @example
 *   sameLabel('Dog', ' dog') // true
 *
 * @param {string} a
 * @param {string} b
 */
export const sameLabel = (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase();

/**
 * Whether analysis gave the photo this label: what `GET /photos?label=` lists.
 *
 * @param {Photo} photo
 * @param {string} label
 */
export const hasLabel = (photo, label) => (photo.labels ?? []).some((l) => sameLabel(l.name, label));

/**
 * The verdict worth a marker: moderation asked for review, or would block (or,
 * under a blocking policy, did). `allow` and no analysis yet are no flag.
 *
 * @example
 *   flagOf({ ...photo, moderation: { verdict: 'review', labels, modelVersion: '7.0' } }) // 'review'
 *
 * @param {Photo} photo
 * @returns {'review' | 'block' | undefined}
 */
export function flagOf(photo) {
  const verdict = photo.moderation?.verdict;
  return verdict === 'review' || verdict === 'block' ? verdict : undefined;
}

/**
 * A flag in words, for the marker's screen-reader text and the viewer.
 *
 * @param {'review' | 'block'} verdict
 */
export const flagWords = (verdict) =>
  verdict === 'review' ? 'Flagged for review' : 'Flagged: moderation would block it';

/**
 * Moderation's labels with their confidence, in the API's order (a category before its
 * narrower labels): "Violence 72%, Weapons 72%".
 *
 * @param {Photo} photo
 */
export const moderationLabelsOf = (photo) =>
  (photo.moderation?.labels ?? []).map((l) => `${l.name} ${Math.round(l.confidence)}%`).join(', ');
