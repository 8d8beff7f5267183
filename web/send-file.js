import { ApiError } from './api.js';
import { sendMultipart } from './multipart.js';
import { resumeStore } from './resume-store.js';
import { contentTypeOf, sendToStorage } from './upload.js';

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').Photo} Photo
 * @typedef {import('./api.js').UploadPlan} UploadPlan
 * @typedef {import('./api.js').ReceivedPart} ReceivedPart
 * @typedef {import('./multipart.js').Slots} Slots
 */

/**
 * The owner's unfinished upload of this file, as the API has it now; or a new
 * one. An upload the API no longer has (404), or whose parts storage let go
 * of (410), is forgotten, and the file starts over.
 *
 * @param {Api} api
 * @param {File} file
 * @param {string} owner
 * @param {(id: string) => void} onGone
 * @returns {Promise<{ photo: Photo, plan?: UploadPlan, received: ReceivedPart[] }>}
 */
async function resumeOrRegister(api, file, owner, onGone) {
  const earlier = resumeStore.recall(owner, file);
  if (earlier) {
    try {
      const { photo, upload: plan, receivedParts } = await api.getUpload(earlier.id);
      return { photo, plan, received: receivedParts };
    } catch (error) {
      if (!(error instanceof ApiError && (error.status === 404 || error.status === 410))) throw error;
      resumeStore.forget(earlier.id);
      // 410: the photo would wait for bytes that can never be joined; it goes with the upload.
      if (error.status === 410) void api.abortUpload(earlier.id).catch(() => {});
      onGone(earlier.id);
    }
  }
  const { photo, upload: plan } = await api.registerUpload({
    filename: file.name,
    contentType: contentTypeOf(file),
    size: file.size,
  });
  return { photo, plan, received: [] };
}

/**
 * Sends one file straight to storage (the bytes never pass through the API):
 * continues the owner's unfinished upload of it when there is one, else
 * registers a new one; then one signed request, or parts for a large file,
 * remembered until complete so a reload can resume them.
 *
 * @example
 *   const { photo, note } = await sendFile({ api, file, owner, slots, signal,
 *     onStarted: (photo) => grid.addUploading(photo, file), onProgress: (f) => row.progress(f), onGone });
 *
 * @param {{ api: Api, file: File, owner: string, slots: Slots, signal: AbortSignal,
 *   onStarted: (photo: Photo) => void, onProgress: (fraction: number) => void,
 *   onGone: (id: string) => void }} options `onStarted` once the photo is known and bytes are
 *   about to go; `onGone` for an earlier upload of the file that the API no longer has
 * @returns {Promise<{ photo: Photo, note: string }>} the photo, now processing, and a line for its row
 */
export async function sendFile({ api, file, owner, slots, signal, onStarted, onProgress, onGone }) {
  const { photo, plan, received } = await resumeOrRegister(api, file, owner, onGone);
  onStarted(photo);
  if (signal.aborted) throw signal.reason;
  if (!plan) {
    // Its bytes landed before the page was left: nothing to send.
    resumeStore.forget(photo.id);
    return { photo, note: 'Already uploaded.' };
  }
  if (plan.method !== 'MULTIPART') {
    await slots.run(() => sendToStorage(plan, file, api.resolve(plan.url), onProgress, signal));
    return { photo: { ...photo, status: 'processing' }, note: 'Uploaded.' };
  }
  resumeStore.remember(owner, file, photo.id);
  const { photo: done, sent } = await sendMultipart({
    ...{ api, file, photoId: photo.id, plan, received, slots, signal },
    onProgress: (bytes) => onProgress(bytes / file.size),
  });
  resumeStore.forget(photo.id);
  const kept = plan.partCount - sent;
  const note = kept > 0 ? `Uploaded: resumed, ${sent} of ${plan.partCount} parts sent.` : 'Uploaded.';
  return { photo: done, note };
}
