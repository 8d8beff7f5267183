import { messageOf, SessionEndedError } from './api.js';
import { h } from './dom.js';
import { contentTypeOf, DEFAULT_MAX_BYTES, formatBytes, rejectionOf, sendToStorage } from './upload.js';

/** Browsers allow about six connections per host; leave some for the grid's thumbnails and polls. */
const UPLOAD_CONCURRENCY = 3;
const DONE_ROW_LINGER_MS = 4000;

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {{ dropzone: HTMLElement, picker: HTMLInputElement, list: HTMLElement, maxSize: HTMLElement }} UploaderElements
 * @typedef {ReturnType<typeof uploadRow>} UploadRow
 */

/**
 * One line in the upload list: the file name labels its progress bar, and the
 * note under it says what is happening or why it was refused.
 *
 * @param {File} file
 * @param {string} id unique in the page, for the label's `for`
 */
function uploadRow(file, id) {
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
  return {
    li,
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

/**
 * The upload section: files picked or dropped anywhere on the page are checked,
 * queued, and sent a few at a time with a progress row each. A finished upload
 * is reported through `onUploaded`, as a photo whose thumbnails are on the way;
 * the uploader does not know who shows it.
 *
 * @example
 *   const uploader = createUploader({ api, elements, maxBytes, announce, onUploaded: (photo) => grid.addNew(photo) });
 *
 * @param {{
 *   api: Api,
 *   elements: UploaderElements,
 *   maxBytes?: number | null,
 *   announce: (message: string) => void,
 *   onUploaded: (photo: Photo) => void,
 * }} options `maxBytes` is the service's limit from config.json, when it says one
 */
export function createUploader({ api, elements, maxBytes: limit, announce, onUploaded }) {
  const { dropzone, picker, list, maxSize } = elements;
  const maxBytes = limit ?? DEFAULT_MAX_BYTES;
  let rowCount = 0;
  /** @type {{ file: File, row: UploadRow }[]} */
  const waiting = [];
  let active = 0;
  /** Bumped when the identity changes: an upload started before then belongs to someone else. */
  let generation = 0;

  maxSize.textContent = formatBytes(maxBytes);

  /** @param {Iterable<File>} files */
  function addFiles(files) {
    const refused = [];
    for (const file of files) {
      const row = uploadRow(file, `upload-${++rowCount}`);
      list.prepend(row.li);
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
   * @param {{ file: File, row: UploadRow }} item
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
      if (gen === generation) onUploaded({ ...photo, status: 'processing' });
    } catch (error) {
      row.refuse(`Not uploaded: ${messageOf(error)}`);
      // An ended session has the sign-in screen to say so.
      if (!(error instanceof SessionEndedError))
        announce(`${file.name} was not uploaded: ${messageOf(error)}`);
      // Do not leave a photo that will never receive its bytes.
      if (registered) void api.deletePhoto(registered.id).catch(() => {});
    }
  }

  picker.addEventListener('change', () => {
    addFiles(picker.files ?? []);
    // Lets the same file be picked again after a failure.
    picker.value = '';
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
    dropzone.classList.add('dragging');
  });
  document.addEventListener('dragleave', (event) => {
    if (!carriesFiles(event)) return;
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) dropzone.classList.remove('dragging');
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
    dropzone.classList.remove('dragging');
    addFiles(event.dataTransfer?.files ?? []);
  });

  return {
    /**
     * Uploads under way keep going and say how they ended, but are no longer
     * reported: they belong to the identity the page acted as when they started.
     */
    forgetRunning() {
      generation++;
    },
  };
}
