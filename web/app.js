import { Api, ApiError, loadConfig } from './api.js';
import { placeholderUrl } from './placeholder.js';
import { contentTypeOf, DEFAULT_MAX_BYTES, formatBytes, rejectionOf, sendToStorage } from './upload.js';

/**
 * The gallery page: uploads straight to storage with a progress bar per file,
 * a newest-first grid paged by cursor, ThumbHash placeholders until each
 * thumbnail arrives, a full-size viewer and delete. Plain DOM on purpose: no
 * build step, so `npm run dev` serves these files as they are.
 */

const PAGE_SIZE = 24;
/** Browsers allow about six connections per host; leave some for the grid's thumbnails and polls. */
const UPLOAD_CONCURRENCY = 3;
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 10_000;
/** Stop polling a photo that stays pending this long: its upload was abandoned somewhere else. */
const POLL_GIVE_UP_MS = 10 * 60_000;
const DONE_ROW_LINGER_MS = 4000;

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const ui = {
  identity: /** @type {HTMLFormElement} */ (byId('identity')),
  owner: /** @type {HTMLInputElement} */ (byId('owner')),
  token: /** @type {HTMLInputElement} */ (byId('token')),
  dropzone: byId('dropzone'),
  files: /** @type {HTMLInputElement} */ (byId('files')),
  maxSize: byId('max-size'),
  uploads: byId('uploads'),
  grid: byId('grid'),
  empty: byId('empty'),
  more: /** @type {HTMLButtonElement} */ (byId('load-more')),
  status: byId('status'),
  viewer: /** @type {HTMLDialogElement} */ (byId('viewer')),
  viewerTitle: byId('viewer-title'),
  viewerImage: /** @type {HTMLImageElement} */ (byId('viewer-image')),
  viewerCaption: byId('viewer-caption'),
  viewerOriginal: /** @type {HTMLAnchorElement} */ (byId('viewer-original')),
  viewerDelete: /** @type {HTMLButtonElement} */ (byId('viewer-delete')),
  gridHeading: byId('gallery-heading'),
};

/** @type {Api} */
let api;
let maxBytes = DEFAULT_MAX_BYTES;

/**
 * @typedef {{ id: string, filename: string, contentType: string, size: number, status: string,
 *   width?: number, height?: number, placeholder?: string, failure?: { code: string, message: string },
 *   renditions?: { preset: string, width: number, height: number }[],
 *   urls?: { original: string, thumbnails: Record<string, string> } }} Photo
 * @typedef {{ li: HTMLLIElement, photo: Photo, timer?: number, pollStarted?: number, retriedImage?: boolean }} Tile
 */

/** @type {Map<string, Tile>} */
const tiles = new Map();
/** @type {string | undefined} */
let cursor;
let exhausted = false;
let loading = false;
/** Bumped when the identity changes, so answers for the previous owner are dropped. */
let generation = 0;

let statusTimer = 0;
/**
 * Says something in the aria-live region, which doubles as a toast; it clears
 * itself so an old message does not sit over the grid.
 *
 * @param {string} message
 */
function announce(message) {
  ui.status.textContent = message;
  clearTimeout(statusTimer);
  statusTimer = window.setTimeout(() => {
    ui.status.textContent = '';
  }, 8000);
}

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attributes]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
function h(tag, attributes = {}, children = []) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

// ---------------------------------------------------------------- the grid

/** @param {Photo} photo */
function statusText(photo) {
  switch (photo.status) {
    case 'pending':
      return 'Waiting for the upload…';
    case 'processing':
      return 'Making thumbnails…';
    case 'failed':
      return `Failed: ${photo.failure?.message ?? 'the image could not be processed.'}`;
    default:
      return '';
  }
}

/**
 * The square frame of a tile: the ThumbHash as its background, the thumbnail
 * on top fading in once loaded, so the grid never jumps or shows blank boxes.
 *
 * @param {Photo} photo
 */
function frameOf(photo) {
  const frame = h('span', { class: 'frame' });
  const placeholder = placeholderUrl(photo.placeholder);
  if (placeholder) frame.style.backgroundImage = `url("${placeholder}")`;
  const thumb = photo.urls?.thumbnails.thumb;
  if (photo.status === 'ready' && thumb) {
    const img = h('img', { alt: photo.filename, decoding: 'async', loading: 'lazy' });
    img.addEventListener('load', () => frame.classList.add('loaded'));
    img.addEventListener('error', () => void refreshAfterImageError(photo.id));
    img.src = api.resolve(thumb);
    frame.append(img);
  } else {
    frame.append(h('span', { class: 'badge' }, [statusText(photo)]));
  }
  return frame;
}

/** @param {Photo} photo */
function renderTile(photo) {
  const li = h('li', { class: 'tile', 'data-id': photo.id, 'data-status': photo.status });
  const frame = frameOf(photo);
  // Only a ready photo has something to open; the others show their state in place.
  const main =
    photo.status === 'ready'
      ? h('button', { type: 'button', class: 'tile-open', 'data-action': 'open', title: photo.filename }, [
          frame,
        ])
      : h(
          'div',
          { class: 'tile-open', role: 'group', 'aria-label': `${photo.filename}: ${statusText(photo)}` },
          [frame],
        );
  const name = h('span', { class: 'tile-name', title: photo.filename }, [photo.filename]);
  const remove = h(
    'button',
    {
      type: 'button',
      class: 'tile-delete',
      'data-action': 'delete',
      'aria-label': `Delete ${photo.filename}`,
    },
    ['Delete'],
  );
  li.append(main, h('div', { class: 'tile-meta' }, [name, remove]));
  return li;
}

/**
 * @param {Photo} photo
 * @param {'start' | 'end'} where
 */
function addTile(photo, where) {
  const li = renderTile(photo);
  if (where === 'start') ui.grid.prepend(li);
  else ui.grid.append(li);
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
  const li = renderTile(photo);
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

function clearGrid() {
  for (const id of [...tiles.keys()]) removeTile(id);
  cursor = undefined;
  exhausted = false;
}

function updateEmpty() {
  ui.empty.hidden = tiles.size > 0 || !exhausted;
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
      else watch(id, Math.min(delay * 2, POLL_MAX_MS * 3));
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
    const fresh = renderTile(photo);
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
  ui.more.disabled = true;
  ui.more.textContent = 'Loading…';
  try {
    const page = await api.listPhotos({ limit: PAGE_SIZE, cursor });
    if (gen !== generation) return;
    // A photo uploaded from this page is already at the top; skip it when its page arrives.
    for (const photo of page.items) if (!tiles.has(photo.id)) addTile(photo, 'end');
    cursor = page.nextCursor;
    exhausted = !cursor;
    if (!cursor && tiles.size > 0) announce(`${tiles.size} photo${tiles.size === 1 ? '' : 's'}.`);
  } catch (error) {
    if (gen !== generation) return;
    const hint =
      error instanceof ApiError && error.status === 401 && api.mode === 'jwt'
        ? ' Paste a valid token above.'
        : '';
    announce(`Could not load photos: ${messageOf(error)}${hint}`);
  } finally {
    if (gen === generation) {
      loading = false;
      ui.more.disabled = false;
      ui.more.textContent = 'Load more';
      ui.more.hidden = exhausted;
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
  scrollObserver.unobserve(ui.more);
  if (!exhausted) scrollObserver.observe(ui.more);
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
  if (ui.viewer.open) ui.viewer.close();
  // Move focus to a neighbour rather than losing it to <body>.
  const neighbour = /** @type {HTMLElement | null} */ (
    (tile.li.nextElementSibling ?? tile.li.previousElementSibling)?.querySelector('[data-action]') ?? null
  );
  const focusWasInside = tile.li.contains(document.activeElement) || document.activeElement === document.body;
  removeTile(id);
  if (focusWasInside) (neighbour ?? ui.gridHeading).focus();
  announce(`${filename} deleted.`);
}

// ---------------------------------------------------------------- the viewer

/** @param {string} id */
function openViewer(id) {
  const tile = tiles.get(id);
  const photo = tile?.photo;
  if (!photo?.urls) return;
  const large =
    photo.urls.thumbnails.large ?? photo.urls.thumbnails.preview ?? photo.urls.thumbnails.thumb ?? '';
  const rendition = photo.renditions?.find((r) => r.preset === 'large');
  ui.viewer.dataset.id = id;
  ui.viewerTitle.textContent = photo.filename;
  ui.viewerImage.alt = photo.filename;
  // Width and height reserve the right box before a byte arrives; the placeholder fills it meanwhile.
  if (rendition) {
    ui.viewerImage.width = rendition.width;
    ui.viewerImage.height = rendition.height;
  } else {
    ui.viewerImage.removeAttribute('width');
    ui.viewerImage.removeAttribute('height');
  }
  const placeholder = placeholderUrl(photo.placeholder);
  ui.viewerImage.style.backgroundImage = placeholder ? `url("${placeholder}")` : '';
  ui.viewerImage.src = api.resolve(large);
  const facts = [];
  if (photo.width && photo.height) facts.push(`${photo.width} × ${photo.height}`);
  facts.push(formatBytes(photo.size), photo.contentType);
  ui.viewerCaption.textContent = facts.join(' · ');
  ui.viewerOriginal.href = api.resolve(photo.urls.original);
  ui.viewer.showModal();
}

ui.viewer.addEventListener('close', () => {
  ui.viewerImage.removeAttribute('src');
  delete ui.viewer.dataset.id;
});
// A click on the backdrop lands on the <dialog> itself; the content sits in children.
ui.viewer.addEventListener('click', (event) => {
  if (event.target === ui.viewer || /** @type {HTMLElement} */ (event.target).closest('[data-close]')) {
    ui.viewer.close();
  }
});
ui.viewerDelete.addEventListener('click', () => {
  const id = ui.viewer.dataset.id;
  if (id) void deletePhoto(id);
});

ui.grid.addEventListener('click', (event) => {
  const target = /** @type {HTMLElement} */ (event.target).closest('[data-action]');
  const id = target?.closest('li')?.dataset.id;
  if (!target || !id) return;
  if (target.getAttribute('data-action') === 'open') openViewer(id);
  else if (target.getAttribute('data-action') === 'delete') void deletePhoto(id);
});

ui.more.addEventListener('click', () => void loadMore());

// ---------------------------------------------------------------- uploads

let uploadCount = 0;
/** @type {{ file: File, row: ReturnType<typeof uploadRow> }[]} */
const waiting = [];
let active = 0;

/**
 * One line in the upload list: the file name labels its progress bar, and the
 * note under it says what is happening or why it was refused.
 *
 * @param {File} file
 */
function uploadRow(file) {
  const id = `upload-${++uploadCount}`;
  const progress = h('progress', { id, max: '1', value: '0' });
  const note = h('span', { class: 'upload-note' }, ['Waiting…']);
  const dismiss = h('button', { type: 'button', class: 'icon', 'aria-label': `Dismiss ${file.name}` }, ['✕']);
  const li = h('li', { class: 'upload', 'data-state': 'waiting' }, [
    h('label', { for: id, class: 'upload-name' }, [file.name, ' ', h('small', {}, [formatBytes(file.size)])]),
    progress,
    note,
    dismiss,
  ]);
  dismiss.addEventListener('click', () => li.remove());
  ui.uploads.prepend(li);
  return {
    /** @param {string} text */
    note(text) {
      note.textContent = text;
    },
    /** @param {number} fraction */
    progress(fraction) {
      li.dataset.state = 'uploading';
      progress.value = fraction;
      note.textContent = `Uploading… ${Math.round(fraction * 100)}%`;
    },
    /** @param {string} text */
    done(text) {
      li.dataset.state = 'done';
      progress.value = 1;
      note.textContent = text;
      setTimeout(() => li.remove(), DONE_ROW_LINGER_MS);
    },
    /** @param {string} text */
    refuse(text) {
      li.dataset.state = 'rejected';
      progress.remove();
      note.textContent = text;
    },
  };
}

/** @param {Iterable<File>} files */
function addFiles(files) {
  const refused = [];
  for (const file of files) {
    const row = uploadRow(file);
    const why = rejectionOf(file, maxBytes);
    if (why) {
      row.refuse(`Not uploaded: ${why}`);
      refused.push(`${file.name}: ${why}`);
    } else {
      waiting.push({ file, row });
    }
  }
  if (refused.length > 0) announce(`Not uploaded: ${refused.join(' ')}`);
  pump();
}

function pump() {
  while (active < UPLOAD_CONCURRENCY && waiting.length > 0) {
    const next = /** @type {(typeof waiting)[number]} */ (waiting.shift());
    active++;
    void upload(next).finally(() => {
      active--;
      pump();
    });
  }
}

/**
 * Registers the upload with the API, then sends the bytes straight to storage:
 * they never pass through the API (on AWS, Lambda could not take them anyway).
 *
 * @param {{ file: File, row: ReturnType<typeof uploadRow> }} item
 */
async function upload({ file, row }) {
  const gen = generation;
  row.note('Starting…');
  /** @type {Photo | undefined} */
  let registered;
  try {
    const { photo, upload: target } = await api.registerUpload({
      filename: file.name,
      contentType: contentTypeOf(file),
      size: file.size,
    });
    registered = photo;
    await sendToStorage(target, file, api.resolve(target.url), (fraction) => row.progress(fraction));
    row.done('Uploaded.');
    announce(`${file.name} uploaded.`);
    if (gen === generation && !tiles.has(photo.id)) addTile({ ...photo, status: 'processing' }, 'start');
  } catch (error) {
    row.refuse(`Not uploaded: ${messageOf(error)}`);
    announce(`${file.name} was not uploaded: ${messageOf(error)}`);
    // Do not leave a photo that will never receive its bytes.
    if (registered) void api.deletePhoto(registered.id).catch(() => {});
  }
}

/** @param {unknown} error */
function messageOf(error) {
  if (error instanceof ApiError) return error.message;
  if (error instanceof TypeError) return 'the server could not be reached.';
  return error instanceof Error ? error.message : String(error);
}

ui.files.addEventListener('change', () => {
  addFiles(ui.files.files ?? []);
  // Lets the same file be picked again after a failure.
  ui.files.value = '';
});

/**
 * Files dropped anywhere on the page are uploaded; without this, a drop that
 * misses the zone would make the browser navigate away to the image.
 *
 * @param {DragEvent} event
 */
const carriesFiles = (event) => event.dataTransfer?.types.includes('Files') ?? false;
let dragDepth = 0;
document.addEventListener('dragenter', (event) => {
  if (!carriesFiles(event)) return;
  dragDepth++;
  ui.dropzone.classList.add('dragging');
});
document.addEventListener('dragleave', (event) => {
  if (!carriesFiles(event)) return;
  dragDepth = Math.max(0, dragDepth - 1);
  if (dragDepth === 0) ui.dropzone.classList.remove('dragging');
});
document.addEventListener('dragover', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
});
document.addEventListener('drop', (event) => {
  if (!carriesFiles(event)) return;
  event.preventDefault();
  dragDepth = 0;
  ui.dropzone.classList.remove('dragging');
  addFiles(event.dataTransfer?.files ?? []);
});

// ---------------------------------------------------------------- identity

function setUpIdentity() {
  const mode = api.mode === 'jwt' ? 'jwt' : 'dev';
  for (const part of ui.identity.querySelectorAll('[data-auth]')) {
    /** @type {HTMLElement} */ (part).hidden = part.getAttribute('data-auth') !== mode;
  }
  ui.identity.hidden = false;
  ui.owner.value = api.owner;
  ui.token.value = api.token;
  ui.identity.addEventListener('submit', (event) => {
    event.preventDefault();
    if (mode === 'jwt') api.token = ui.token.value.trim();
    else api.owner = ui.owner.value.trim();
    generation++;
    loading = false;
    clearGrid();
    announce(mode === 'jwt' ? 'Token saved; reloading photos.' : `Acting as ${api.owner || 'dev'}.`);
    void loadMore();
  });
}

// ---------------------------------------------------------------- start

async function start() {
  try {
    const config = await loadConfig();
    api = new Api(config);
    maxBytes = config.limits?.maxOriginalBytes ?? DEFAULT_MAX_BYTES;
  } catch (error) {
    announce(`The page could not load its configuration: ${messageOf(error)}`);
    return;
  }
  ui.maxSize.textContent = formatBytes(maxBytes);
  setUpIdentity();
  if (api.mode === 'jwt' && !api.token) {
    announce('Paste a token above to see your photos.');
    return;
  }
  await loadMore();
}

void start();
