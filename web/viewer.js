import { flagOf, flagWords, moderationLabelsOf } from './analysis.js';
import { h } from './dom.js';
import { formatDuration } from './duration.js';
import { placeholderUrl } from './placeholder.js';
import { formatBytes } from './upload.js';

/**
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {{ dialog: HTMLDialogElement, title: HTMLElement, image: HTMLImageElement, video: HTMLVideoElement,
 *   caption: HTMLElement, keys: HTMLElement, notice: HTMLElement, labels: HTMLElement, labelList: HTMLElement,
 *   original: HTMLAnchorElement, remove: HTMLButtonElement }} ViewerElements
 * @typedef {{ at: number, play: boolean }} Resume where a video was, to carry on from with a fresh URL
 */

/** Where keys type: the player's keys leave them alone. */
const TEXT_FIELD = 'input, textarea, select, [contenteditable]:not([contenteditable="false"])';
/** Controls that Space activates: on them Space keeps that meaning, and K plays. */
const SPACE_ACTIVATES = 'button, a[href], summary, [role="button"], [role="link"], [role="checkbox"]';

/**
 * @param {HTMLVideoElement} video
 * @param {number} by seconds, back when negative
 */
function seek(video, by) {
  const end = Number.isFinite(video.duration) ? video.duration : Number.POSITIVE_INFINITY;
  video.currentTime = Math.min(Math.max(0, video.currentTime + by), end);
}

/** @param {HTMLVideoElement} video */
function playOrPause(video) {
  // A refusal (no sound allowed yet, a source that failed) shows in the player itself.
  if (video.paused || video.ended) void video.play().catch(() => {});
  else video.pause();
}

/** @param {HTMLVideoElement} video */
function toggleFullscreen(video) {
  if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
  else void video.requestFullscreen?.().catch(() => {});
}

/**
 * The player's keys, as most web players have them. The native controls keep
 * their own; these work wherever focus is in the dialog.
 *
 * @type {Record<string, (video: HTMLVideoElement) => void>}
 */
const PLAYER_KEYS = {
  ' ': playOrPause,
  k: playOrPause,
  ArrowLeft: (video) => seek(video, -5),
  ArrowRight: (video) => seek(video, 5),
  j: (video) => seek(video, -10),
  l: (video) => seek(video, 10),
  m: (video) => {
    video.muted = !video.muted;
  },
  f: toggleFullscreen,
};

/** @param {Photo} photo whether the viewer plays it: a ready video with its MP4 */
const playable = (photo) => photo.kind === 'video' && Boolean(photo.urls?.video?.mp4);

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
  if (photo.status === 'failed') {
    const what = photo.kind === 'video' ? 'This video' : 'This image';
    const reason = photo.failure?.message ?? 'none given';
    return { text: `${what} could not be processed: ${reason}.`, tone: 'block' };
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
 * and a delete button. A video plays in a `<video>` with its poster frame and
 * the browser's controls, and the keys of PLAYER_KEYS; its length leads the
 * facts. It keeps no photos of its own: it shows the one it is
 * given and reports a delete through `onDelete`, a chosen label through
 * `onLabel`. A photo moderation holds opens too, with no image and the reason,
 * and so does one that failed. Signed URLs expire: when the image or the video
 * fails to load, it asks `refresh` for the photo with fresh URLs, once (a video
 * again once the fresh URL has played: watching may outlast a URL), and a video
 * carries on from where it was.
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
  const { dialog, title, image, video, caption, keys, notice, labels, labelList, original, remove } =
    elements;
  /** The photo shown, and whether its URLs were fetched afresh already. */
  let shown = { id: '', refreshed: false };

  dialog.addEventListener('close', () => {
    image.removeAttribute('src');
    stopVideo();
    delete dialog.dataset.id;
    shown = { id: '', refreshed: false };
  });
  // The ThumbHash only fills the box while loading: it would show through a transparent image.
  image.addEventListener('load', () => {
    image.style.backgroundImage = '';
  });
  image.addEventListener('error', () => void refreshAfterError(image, 'The image could not be loaded.'));
  video.addEventListener('error', () => void refreshAfterError(video, 'The video could not be played.'));
  // The fresh URL played: should it expire too while the person watches, it may be fetched afresh again.
  video.addEventListener('loadeddata', () => {
    shown.refreshed = false;
  });

  /**
   * @param {HTMLImageElement | HTMLVideoElement} element what failed to load
   * @param {string} failed what to say when fresh URLs do not help
   */
  async function refreshAfterError(element, failed) {
    const { id } = shown;
    if (!id || !element.getAttribute('src')) return;
    if (shown.refreshed) {
      caption.textContent = failed;
      return;
    }
    shown.refreshed = true;
    /** @type {Resume | undefined} */
    const resume = element === video ? { at: video.currentTime, play: !video.paused } : undefined;
    try {
      const photo = await refresh(id);
      if (shown.id === id) show(photo, resume);
    } catch {
      if (shown.id === id) caption.textContent = failed;
    }
  }

  // The player's keys, wherever focus is in the dialog but in a text field. Escape is left
  // to the dialog (it closes), and Space to the button or link it would press, and to the
  // player itself when it has focus: its controls play and pause on Space already, in a way
  // a page cannot prevent (Chromium's would undo a second toggle). The others are prevented,
  // so a focused player does not also scroll or seek by its own step.
  dialog.addEventListener('keydown', (event) => {
    if (video.hidden || event.defaultPrevented || event.isComposing) return;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const target = /** @type {Element} */ (event.target);
    if (!Object.hasOwn(PLAYER_KEYS, key) || target.closest(TEXT_FIELD)) return;
    if (key === ' ' && (target === video || target.closest(SPACE_ACTIVATES))) return;
    event.preventDefault();
    PLAYER_KEYS[key]?.(video);
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
   * Fills the dialog with a photo's large rendition or a video's player (nothing for a
   * held or failed one) and facts.
   *
   * @param {Photo} photo
   * @param {Resume} [resume] where the video was, when its URL had expired
   */
  function show(photo, resume) {
    dialog.dataset.id = photo.id;
    title.textContent = photo.filename;
    if (playable(photo)) {
      showImage(undefined);
      showVideo(photo, resume);
    } else {
      stopVideo();
      showImage(photo);
    }
    original.hidden = !photo.urls;
    if (photo.urls) original.href = resolve(photo.urls.original);
    else original.removeAttribute('href');
    keys.hidden = video.hidden;
    showFacts(photo);
  }

  /**
   * The caption, the notice and the label chips: what may change while the photo
   * is shown (its analysis arrives after its thumbnails).
   *
   * @param {Photo} photo
   */
  function showFacts(photo) {
    const facts = [];
    if (photo.kind === 'video' && photo.durationMs) facts.push(formatDuration(photo.durationMs));
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

  /** @param {Photo | undefined} photo none: the image goes */
  function showImage(photo) {
    image.hidden = !photo?.urls;
    if (!photo?.urls) {
      image.removeAttribute('src');
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
  }

  /**
   * The player, its box the video's shape before a byte arrives (see .viewer-video), the
   * poster's large rendition (display size, upright) until it plays.
   *
   * @param {Photo} photo a playable one
   * @param {Resume} [resume]
   */
  function showVideo(photo, resume) {
    const urls = /** @type {NonNullable<Photo['urls']>} */ (photo.urls);
    const { thumbnails } = urls;
    const poster = thumbnails.large ?? thumbnails.preview ?? thumbnails.thumb;
    video.hidden = false;
    video.setAttribute('aria-label', photo.filename);
    if (photo.width && photo.height) {
      video.style.setProperty('--video-ratio', String(photo.width / photo.height));
      video.style.setProperty('--video-width', `${photo.width}px`);
    } else {
      video.style.removeProperty('--video-ratio');
      video.style.removeProperty('--video-width');
    }
    if (poster) video.poster = resolve(poster);
    else video.removeAttribute('poster');
    video.src = resolve(/** @type {{ mp4: string }} */ (urls.video).mp4);
    if (resume && resume.at > 0) {
      video.addEventListener(
        'loadedmetadata',
        () => {
          video.currentTime = resume.at;
          if (resume.play) void video.play().catch(() => {});
        },
        { once: true },
      );
    }
  }

  /** Stops the player and lets go of its source, so nothing keeps downloading. */
  function stopVideo() {
    if (document.fullscreenElement === video) void document.exitFullscreen().catch(() => {});
    video.hidden = true;
    keys.hidden = true;
    if (!video.hasAttribute('src')) return;
    video.pause();
    video.removeAttribute('src');
    video.removeAttribute('poster');
    video.load();
  }

  return {
    /**
     * Shows a ready photo or video, or a held or failed one with why; one still
     * processing has nothing to show. A video's player takes focus, so Space plays it.
     *
     * @param {Photo} photo
     */
    open(photo) {
      if (!photo.urls && photo.status !== 'rejected' && photo.status !== 'failed') return;
      shown = { id: photo.id, refreshed: false };
      show(photo);
      dialog.showModal();
      if (!video.hidden) video.focus();
    },

    /**
     * News of a photo from the gallery's polling: when it is the one shown, its facts
     * and labels follow (the picture or the player is left as it is).
     *
     * @param {Photo} photo
     */
    update(photo) {
      if (dialog.open && dialog.dataset.id === photo.id) showFacts(photo);
    },

    close() {
      if (dialog.open) dialog.close();
    },
  };
}
