import { createAnnouncer } from './announcer.js';
import { Api, loadConfig, messageOf, SessionEndedError } from './api.js';
import { createAuth } from './auth.js';
import { createGrid } from './grid.js';
import { createIdentity } from './identity.js';
import { createLabelFilter } from './label-filter.js';
import { createSignInView } from './sign-in.js';
import { createUploader } from './uploader.js';
import { createViewer } from './viewer.js';

/**
 * The gallery page: uploads of photos and videos straight to storage with a
 * progress bar per file, a newest-first grid paged by cursor, ThumbHash
 * placeholders until each thumbnail (a video's: its poster, with its length)
 * arrives, a full-size viewer (a player for a video) with the labels analysis gave as chips,
 * a filter by label kept in the address, a marker on what moderation flagged,
 * and delete. Plain DOM on purpose: no build step, so `npm run dev` serves
 * these files as they are.
 *
 * This file only wires the parts together; each part owns its state and
 * reports to the others through the callbacks given here:
 *
 *   identity ──onSwitch──▶ uploader (forget running, list unfinished), grid (reload)   dev mode
 *   auth ──onEnded──▶ uploader (pause all), grid (clear), sign-in view                 JWT mode
 *   uploader ──onStarted──▶ grid (tile with a local preview)
 *            ──onUploaded─▶ grid (poll for thumbnails and analysis)
 *            ──onStopped──▶ grid (remove, or show as waiting)
 *   grid ──onOpen──▶ viewer ──onDelete──▶ grid ──onDeleted──▶ viewer (close)
 *   viewer ──onLabel──▶ filter (address) ──onChange──▶ viewer (close), grid (list by label)
 */

/** @param {string} id */
const byId = (id) => /** @type {HTMLElement} */ (document.getElementById(id));

const announce = createAnnouncer(byId('status'));

/**
 * config.json is read once here, because several parts need a piece of it:
 * the Api its base URL and auth mode, auth the issuer and client, the uploader
 * its size limits (a photo's and a video's).
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
  // JWT mode signs in at the issuer (web/auth.js); dev mode acts as an owner id.
  const auth =
    config.auth.mode === 'jwt' ? createAuth(config.auth, { onEnded: (why) => endSession(why) }) : undefined;
  const api = new Api(config, auth);

  const viewer = createViewer({
    elements: {
      dialog: /** @type {HTMLDialogElement} */ (byId('viewer')),
      title: byId('viewer-title'),
      image: /** @type {HTMLImageElement} */ (byId('viewer-image')),
      video: /** @type {HTMLVideoElement} */ (byId('viewer-video')),
      caption: byId('viewer-caption'),
      keys: byId('viewer-keys'),
      notice: byId('viewer-notice'),
      labels: byId('viewer-labels'),
      labelList: byId('viewer-label-list'),
      original: /** @type {HTMLAnchorElement} */ (byId('viewer-original')),
      remove: /** @type {HTMLButtonElement} */ (byId('viewer-delete')),
    },
    resolve: (url) => api.resolve(url),
    refresh: (id) => api.getPhoto(id),
    onDelete: (id) => void grid.deletePhoto(id),
    onLabel: (label) => filter.choose(label),
  });

  const heading = byId('gallery-heading');
  const filter = createLabelFilter({
    elements: {
      bar: byId('filter'),
      name: byId('filter-name'),
      clear: /** @type {HTMLButtonElement} */ (byId('filter-clear')),
      heading,
    },
    onChange(label, why) {
      viewer.close();
      // The chip or the button that was chosen is gone: the heading says where the page now is.
      // Back and Forward leave focus to the browser.
      if (why !== 'history') heading.focus();
      void grid.show(label);
    },
  });

  const grid = createGrid({
    api,
    elements: {
      grid: byId('grid'),
      empty: byId('empty'),
      more: /** @type {HTMLButtonElement} */ (byId('load-more')),
      heading,
    },
    announce,
    label: filter.label,
    analysed: config.analysis !== false,
    onOpen: (photo) => viewer.open(photo),
    // A polled photo's news reaches the viewer too: labels that arrive while it is open show.
    onChanged: (photo) => viewer.update(photo),
    onDeleted: () => viewer.close(),
  });

  const uploader = createUploader({
    api,
    elements: {
      dropzone: byId('dropzone'),
      picker: /** @type {HTMLInputElement} */ (byId('files')),
      list: byId('uploads'),
      maxSize: byId('max-size'),
      maxVideoSize: byId('max-video-size'),
    },
    maxBytes: {
      photo: config.limits?.maxOriginalBytes,
      video: config.video === false ? 0 : config.limits?.video?.maxBytes,
    },
    // Whose uploads these are: an unfinished one is only ever resumed by the owner who started it.
    ownerKey: () => (auth ? `sub:${auth.user?.sub ?? ''}` : `dev:${api.owner || 'dev'}`),
    announce,
    onStarted: (photo, file) => grid.addUploading(photo, file),
    onUploaded: (photo) => grid.uploaded(photo),
    onStopped: (id, gone) => grid.uploadStopped(id, gone),
  });

  if (!auth) {
    byId('gallery').hidden = false;
    createIdentity({
      api,
      elements: {
        form: /** @type {HTMLFormElement} */ (byId('identity')),
        owner: /** @type {HTMLInputElement} */ (byId('owner')),
        error: byId('owner-error'),
      },
      announce,
      onSwitch: () => {
        uploader.forgetRunning();
        uploader.restore();
        void grid.reload();
      },
    });
    uploader.restore();
    await grid.loadMore();
    return;
  }

  const view = createSignInView({
    auth,
    elements: {
      screen: byId('sign-in'),
      heading: byId('sign-in-heading'),
      message: byId('sign-in-message'),
      signIn: /** @type {HTMLButtonElement} */ (byId('sign-in-button')),
      signUp: /** @type {HTMLButtonElement} */ (byId('sign-up-button')),
      gallery: byId('gallery'),
      galleryHeading: byId('gallery-heading'),
      account: byId('account'),
      name: byId('account-name'),
      signOut: /** @type {HTMLButtonElement} */ (byId('sign-out')),
    },
    canSignUp: config.auth.mode === 'jwt' && Boolean(config.auth.signUpEndpoint),
  });

  /**
   * The session cannot be refreshed: auth makes no API call from here on, and
   * the page lets go of what belonged to it.
   *
   * @param {string} why
   */
  function endSession(why) {
    uploader.pauseAll();
    grid.clear();
    viewer.close();
    view.signedOut(why);
  }

  try {
    if (!(await auth.start())) {
      view.signedOut();
      return;
    }
  } catch (error) {
    // An ended session has been shown already, through onEnded.
    if (!(error instanceof SessionEndedError)) view.signedOut(`Sign-in failed: ${messageOf(error)}`);
    return;
  }
  view.signedIn(auth.user ?? { label: '' });
  uploader.restore();
  await grid.loadMore();
}

void start();
