/**
 * A video's length as players show it, and in words for a screen reader.
 * Rounded to the second, and never 0:00 for a video that has a length: a
 * half-second clip is still a clip.
 */

/** @param {number} ms */
const partsOf = (ms) => {
  const total = ms > 0 ? Math.max(1, Math.round(ms / 1000)) : 0;
  return { hours: Math.floor(total / 3600), minutes: Math.floor(total / 60) % 60, seconds: total % 60 };
};

/**
 * @example
 *   formatDuration(3008) // '0:03'
 *   formatDuration(725_000) // '12:05'
 *   formatDuration(3_723_000) // '1:02:03'
 *
 * @param {number} ms
 */
export function formatDuration(ms) {
  const { hours, minutes, seconds } = partsOf(ms);
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/**
 * @example
 *   durationWords(3008) // '3 seconds'
 *   durationWords(3_723_000) // '1 hour 2 minutes 3 seconds'
 *
 * @param {number} ms
 */
export function durationWords(ms) {
  const { hours, minutes, seconds } = partsOf(ms);
  /** @type {string[]} */
  const words = [];
  /** @param {number} n @param {string} unit */
  const say = (n, unit) => words.push(`${n} ${unit}${n === 1 ? '' : 's'}`);
  if (hours) say(hours, 'hour');
  if (minutes) say(minutes, 'minute');
  if (seconds || words.length === 0) say(seconds, 'second');
  return words.join(' ');
}
