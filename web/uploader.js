import { ApiError, messageOf, SessionEndedError } from './api.js';
import { acceptFiles } from './file-drop.js';
import { resumeStore } from './resume-store.js';
import { sendFile } from './send-file.js';
import { createSlots, DEFAULT_MAX_BYTES, formatBytes, isRetryable, rejectionOf } from './upload.js';
import { createUploadList } from './upload-list.js';

/** Files registered and sent at once. */
const UPLOAD_CONCURRENCY = 3;
/** Requests carrying bytes at once, across files: browsers allow about six per host, the grid needs some. */
const TRANSFER_SLOTS = 4;
/** Why an upload's signal aborted: the person's ✕, or the session ending under it. */
const CANCELLED = 'cancelled';
const PAUSED = 'paused';

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {import('./upload-list.js').UploadRow} UploadRow
 * @typedef {import('./upload.js').SizeLimits} SizeLimits
 * @typedef {{ dropzone: HTMLElement, picker: HTMLInputElement, list: HTMLElement, maxSize: HTMLElement,
 *   maxVideoSize: HTMLElement }} UploaderElements
 * @typedef {{ file: File, owner: string, api: Api, row: UploadRow, controller: AbortController, gen: number,
 *   photoId?: string }} Job
 */

/** @param {File} a @param {File} b */
const sameFile = (a, b) => a.name === b.name && a.size === b.size && a.lastModified === b.lastModified;

/**
 * The upload section: files picked or dropped anywhere on the page are checked,
 * queued, and sent a few at a time with a progress row each; large ones by
 * multipart upload (web/multipart.js), remembered (web/resume-store.js) so that
 * picking the same file after a reload or a lost connection sends only what
 * storage lacks. A row's ✕ cancels, leaving nothing behind. Leaving the page
 * while uploads run asks first.
 *
 * The uploader does not know who shows photos: it reports an upload that
 * started (its tile can appear with a local preview), one that finished
 * (thumbnails on the way), and one that stopped (`gone` when its photo was removed).
 *
 * @example
 *   const uploader = createUploader({ api, elements, maxBytes: { photo: config.limits?.maxOriginalBytes },
 *     ownerKey: () => api.owner, announce,
 *     onStarted: (photo, file) => grid.addUploading(photo, file), onUploaded: (photo) => grid.uploaded(photo),
 *     onStopped: (id, gone) => grid.uploadStopped(id, gone) });
 *
 * @param {{
 *   api: Api,
 *   elements: UploaderElements,
 *   maxBytes?: { photo?: number | null, video?: number | null },
 *   ownerKey: () => string,
 *   announce: (message: string) => void,
 *   onStarted: (photo: Photo, file: File) => void,
 *   onUploaded: (photo: Photo) => void,
 *   onStopped: (id: string, gone: boolean) => void,
 * }} options `maxBytes`: the service's limits per kind from config.json, where it says them
 *   (a video may be far larger than a photo); `ownerKey` who uploads now, so an upload is only
 *   ever resumed by the owner who started it
 */
export function createUploader({ api, elements, maxBytes: limit, ownerKey, announce, ...hooks }) {
  const { dropzone, picker, list, maxSize, maxVideoSize } = elements;
  /** @type {SizeLimits} */
  const maxBytes = {
    photo: limit?.photo ?? DEFAULT_MAX_BYTES.photo,
    video: limit?.video ?? DEFAULT_MAX_BYTES.video,
  };
  const rows = createUploadList(list);
  const slots = createSlots(TRANSFER_SLOTS);
  /** @type {Job[]} */
  const waiting = [];
  /** @type {Set<Job>} */
  const running = new Set();
  /**
   * Rows of uploads that stopped resumable, or that an earlier visit left
   * unfinished, by upload id, until their file is picked again.
   *
   * @type {Map<string, UploadRow>}
   */
  const paused = new Map();
  /** Bumped when the identity changes: an upload started before then belongs to someone else. */
  let generation = 0;

  maxSize.textContent = formatBytes(maxBytes.photo);
  maxVideoSize.textContent = formatBytes(maxBytes.video);
  if (maxBytes.video === 0) {
    // A service that takes no videos (config.json's `video: false`): offer photos only.
    picker.accept = picker.accept
      .split(',')
      .filter((t) => !t.startsWith('video/') && t !== '.mkv')
      .join(',');
    maxVideoSize.closest('.hint-line')?.setAttribute('hidden', '');
    const choose = dropzone.querySelector('#choose');
    if (choose) choose.textContent = 'Choose photos';
    maxSize.parentElement?.lastChild?.replaceWith('');
  }

  /** @param {Iterable<File>} files */
  function addFiles(files) {
    const refused = [];
    const owner = ownerKey();
    for (const file of files) {
      const why = rejectionOf(file, maxBytes);
      if (why) {
        rows.add(file, { onCancel: () => {} }).refuse(`Not uploaded: ${why}`);
        refused.push(`${file.name}: ${why}`);
        continue;
      }
      if ([...waiting, ...running].some((job) => job.owner === owner && sameFile(job.file, file))) {
        announce(`${file.name} is already being uploaded.`);
        continue;
      }
      /** @type {Job} */
      const job = /** @type {Job} */ ({ file, owner, api: api.pinned(), controller: new AbortController() });
      job.gen = generation;
      job.row = rows.add(file, { onCancel: () => cancel(job) });
      waiting.push(job);
    }
    if (refused.length > 0) announce(`Not uploaded: ${refused.join(' ')}`);
    pump();
  }

  function pump() {
    while (running.size < UPLOAD_CONCURRENCY && waiting.length > 0) {
      const job = /** @type {Job} */ (waiting.shift());
      running.add(job);
      void upload(job).finally(() => {
        running.delete(job);
        pump();
      });
    }
  }

  /** @param {Job} job */
  function cancel(job) {
    const queued = waiting.indexOf(job);
    if (queued >= 0) {
      waiting.splice(queued, 1);
      job.row.remove();
      announce(`${job.file.name}: upload cancelled.`);
    } else if (running.has(job)) {
      job.controller.abort(CANCELLED);
    } else {
      // Stopped and resumable: nothing runs, the upload is still on the server.
      void discard(job.api, job.photoId, job.file.name, job.row);
    }
  }

  /** @param {Job} job */
  async function upload(job) {
    const { file, row, controller } = job;
    row.note('Starting…');
    try {
      const { photo, note } = await sendFile({
        ...{ api: job.api, file, owner: job.owner, slots, signal: controller.signal },
        onStarted(photo) {
          job.photoId = photo.id;
          // Picked again: the row of its stopped or unfinished upload gives way to this one.
          paused.get(photo.id)?.remove();
          paused.delete(photo.id);
          if (job.gen === generation) hooks.onStarted(photo, file);
        },
        onProgress: (fraction) => row.progress(fraction),
        onGone: (id) => hooks.onStopped(id, true),
      });
      row.done(note);
      announce(`${file.name} uploaded.`);
      if (job.gen === generation) hooks.onUploaded(photo);
    } catch (error) {
      await stopped(job, error);
    }
  }

  /**
   * @param {Job} job
   * @param {unknown} error
   */
  async function stopped(job, error) {
    const { file, row, photoId, controller } = job;
    const reason = controller.signal.aborted ? controller.signal.reason : undefined;
    if (reason === CANCELLED) return discard(job.api, photoId, file.name, row);
    const resumable = photoId !== undefined && resumeStore.recall(job.owner, file)?.id === photoId;
    if (resumable && (reason === PAUSED || error instanceof SessionEndedError || isRetryable(error))) {
      const why =
        reason === PAUSED || error instanceof SessionEndedError ? 'your session ended.' : messageOf(error);
      row.paused(`Stopped: ${why} Choose or drop ${file.name} again to resume.`);
      paused.set(photoId, row);
      if (job.gen === generation) {
        announce(`${file.name} stopped: ${why}`);
        hooks.onStopped(photoId, false);
      }
      return;
    }
    row.refuse(`Not uploaded: ${messageOf(error)}`);
    // An ended session has the sign-in screen to say so, and may make no more calls.
    if (error instanceof SessionEndedError || reason === PAUSED) return;
    announce(`${file.name} was not uploaded: ${messageOf(error)}`);
    if (photoId) {
      // Do not leave a photo that will never receive its bytes.
      resumeStore.forget(photoId);
      void job.api.abortUpload(photoId).catch(() => {});
      if (job.gen === generation) hooks.onStopped(photoId, true);
    }
  }

  /**
   * Cancels an upload for good: `DELETE /uploads/{id}` drops its parts and its
   * photo; one that completed meanwhile (409) is deleted as a photo.
   *
   * @param {Api} as
   * @param {string | undefined} id
   * @param {string} name
   * @param {UploadRow} row
   */
  async function discard(as, id, name, row) {
    row.note('Cancelling…');
    if (id) {
      try {
        await as.abortUpload(id);
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) await as.deletePhoto(id).catch(() => {});
        else if (!(error instanceof ApiError && error.status === 404)) {
          row.paused(`Could not cancel: ${messageOf(error)}`);
          return;
        }
      }
      resumeStore.forget(id);
      hooks.onStopped(id, true);
    }
    row.remove();
    announce(`${name}: upload cancelled.`);
  }

  acceptFiles({ dropzone, picker }, addFiles);

  // Leaving would stop the uploads: the browser asks first (in its own words; pages cannot set them).
  window.addEventListener('beforeunload', (event) => {
    if (running.size > 0 || waiting.length > 0) event.preventDefault();
  });

  function forgetPaused() {
    for (const row of paused.values()) row.remove();
    paused.clear();
  }

  return {
    /**
     * Lists the owner's uploads that an earlier visit left unfinished, each
     * with how to resume it; call once the owner is known, and after a switch.
     */
    restore() {
      const owner = ownerKey();
      for (const { id, name, size } of resumeStore.unfinished(owner)) {
        if (paused.has(id) || [...running].some((job) => job.photoId === id)) continue;
        const row = rows.add({ name, size }, { onCancel: () => void discard(api.pinned(), id, name, row) });
        row.paused(`Unfinished. Choose or drop ${name} again to resume it.`);
        paused.set(id, row);
      }
    },

    /**
     * Uploads under way keep going as the owner who started them and say how
     * they ended, but are no longer reported: the page now acts as someone else.
     */
    forgetRunning() {
      generation++;
      forgetPaused();
    },

    /** The session ended: everything stops, and what can resume stays resumable for the next sign-in. */
    pauseAll() {
      generation++;
      forgetPaused();
      for (const job of waiting.splice(0)) job.row.refuse('Not uploaded: your session ended.');
      for (const job of running) job.controller.abort(PAUSED);
    },
  };
}
