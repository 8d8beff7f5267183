import { createAnnouncer } from './announcer.js';
import { Api, loadConfig, messageOf } from './api.js';
import { createGrid } from './grid.js';
import { createIdentity } from './identity.js';
import { createUploader } from './uploader.js';
import { createViewer } from './viewer.js';

/**
 * The gallery page: uploads straight to storage with a progress bar per file,
 * a newest-first grid paged by cursor, ThumbHash placeholders until each
 * thumbnail arrives, a full-size viewer and delete. Plain DOM on purpose: no
 * build step, so `npm run dev` serves these files as they are.
 *
 * This file only wires the parts together; each part owns its state and
 * reports to the others through the callbacks given here:
 *
 *   identity ──onSwitch──▶ uploader (forget running), grid (reload)
 *   uploader ──onUploaded─▶ grid (add at the top)
 *   grid ──onOpen──▶ viewer ──onDelete──▶ grid ──onDeleted──▶ viewer (close)
 */

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const announce = createAnnouncer(byId('status'));

/**
 * config.json is read once here, because three parts need a piece of it: the
 * Api its base URL and auth mode (and through the Api, the identity form), the
 * uploader its size limit.
 */
async function start() {
  /** @type {import('./api.js').PageConfig} */
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    announce(`The page could not load its configuration: ${messageOf(error)}`);
    return;
  }
  const api = new Api(config);

  const viewer = createViewer({
    elements: {
      dialog: /** @type {HTMLDialogElement} */ (byId('viewer')),
      title: byId('viewer-title'),
      image: /** @type {HTMLImageElement} */ (byId('viewer-image')),
      caption: byId('viewer-caption'),
      original: /** @type {HTMLAnchorElement} */ (byId('viewer-original')),
      remove: /** @type {HTMLButtonElement} */ (byId('viewer-delete')),
    },
    resolve: (url) => api.resolve(url),
    onDelete: (id) => void grid.deletePhoto(id),
  });

  const grid = createGrid({
    api,
    elements: {
      grid: byId('grid'),
      empty: byId('empty'),
      more: /** @type {HTMLButtonElement} */ (byId('load-more')),
      heading: byId('gallery-heading'),
    },
    announce,
    onOpen: (photo) => viewer.open(photo),
    onDeleted: () => viewer.close(),
  });

  const uploader = createUploader({
    api,
    elements: {
      dropzone: byId('dropzone'),
      picker: /** @type {HTMLInputElement} */ (byId('files')),
      list: byId('uploads'),
      maxSize: byId('max-size'),
    },
    maxBytes: config.limits?.maxOriginalBytes,
    announce,
    onUploaded: (photo) => grid.addNew(photo),
  });

  const identity = createIdentity({
    api,
    elements: {
      form: /** @type {HTMLFormElement} */ (byId('identity')),
      owner: /** @type {HTMLInputElement} */ (byId('owner')),
      token: /** @type {HTMLInputElement} */ (byId('token')),
    },
    announce,
    onSwitch: () => {
      uploader.forgetRunning();
      void grid.reload();
    },
  });

  if (identity.needsToken) {
    announce('Paste a token above to see your photos.');
    return;
  }
  await grid.loadMore();
}

void start();
