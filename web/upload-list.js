import { h } from './dom.js';
import { formatBytes } from './upload.js';

/**
 * @typedef {{ name: string, size: number }} Named
 * @typedef {ReturnType<ReturnType<typeof createUploadList>['add']>} UploadRow
 */

/**
 * The list of upload rows, and the one-line summary that finished ones
 * collapse into ("3 uploaded", with Show and Clear). Rows that need the
 * person (refused, paused) stay open. The summary is a polite live region, so
 * a screen reader hears the counts change, not every percent.
 *
 * @example
 *   const rows = createUploadList(document.getElementById('uploads'));
 *   const row = rows.add(file, { onCancel: () => controller.abort() });
 *   row.progress(sent / file.size);
 *
 * @param {HTMLElement} list the `<ul>`; it needs an id, which the summary's toggle controls
 */
export function createUploadList(list) {
  let count = 0;
  let expanded = false;
  const text = h('span', { class: 'upload-summary-text', 'aria-live': 'polite' });
  const toggle = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': list.id });
  const clear = h('button', { type: 'button', 'aria-label': 'Clear uploaded files' }, ['Clear']);
  const summary = h('div', { class: 'upload-summary', hidden: '' }, [text, toggle, clear]);
  list.before(summary);

  function refresh() {
    const done = list.querySelectorAll('.upload[data-state="done"]');
    const running = list.querySelectorAll('.upload[data-state="uploading"], .upload[data-state="waiting"]');
    summary.hidden = done.length === 0;
    const line = `${done.length} uploaded${running.length > 0 ? ` · ${running.length} in progress` : ''}`;
    if (text.textContent !== line) text.textContent = line;
    for (const li of done) /** @type {HTMLElement} */ (li).hidden = !expanded;
    toggle.textContent = expanded ? 'Hide' : 'Show';
    toggle.setAttribute('aria-label', `${expanded ? 'Hide' : 'Show'} uploaded files`);
    toggle.setAttribute('aria-expanded', String(expanded));
  }

  toggle.addEventListener('click', () => {
    expanded = !expanded;
    refresh();
  });
  clear.addEventListener('click', () => {
    for (const li of list.querySelectorAll('.upload[data-state="done"]')) li.remove();
    expanded = false;
    refresh();
    // The buttons just went away with the summary: keep focus in the uploader.
    /** @type {HTMLElement | null} */ (document.getElementById('files'))?.focus();
  });

  return {
    /**
     * A row for a file (or an unfinished upload known by name and size), at the top.
     * Its ✕ cancels while the upload is under way, and dismisses the row after.
     *
     * @param {Named} file
     * @param {{ onCancel: () => void }} hooks
     */
    add(file, { onCancel }) {
      const id = `upload-${++count}`;
      const progress = h('progress', { id, max: '1', value: '0' });
      const note = h('span', { class: 'upload-note' }, ['Waiting…']);
      const button = h(
        'button',
        { type: 'button', class: 'icon', 'aria-label': `Cancel upload of ${file.name}` },
        ['✕'],
      );
      const li = h('li', { class: 'upload', 'data-state': 'waiting' }, [
        h('label', { for: id, class: 'upload-name' }, [
          file.name,
          ' ',
          h('small', {}, [formatBytes(file.size)]),
        ]),
        progress,
        note,
        button,
      ]);
      let cancellable = true;
      button.addEventListener('click', () => {
        if (cancellable) onCancel();
        else row.remove();
      });
      list.prepend(li);
      refresh();

      /**
       * @param {string} state
       * @param {string} message
       */
      const settle = (state, message) => {
        li.dataset.state = state;
        note.textContent = message;
        cancellable = state === 'paused';
        button.setAttribute('aria-label', `${cancellable ? 'Cancel upload of' : 'Dismiss'} ${file.name}`);
        refresh();
      };

      const row = {
        li,
        /** @param {string} message */
        note(message) {
          note.textContent = message;
        },
        /**
         * @param {number} fraction
         * @param {string} [message] instead of the percentage
         */
        progress(fraction, message) {
          if (li.dataset.state !== 'uploading') {
            li.dataset.state = 'uploading';
            refresh();
          }
          progress.value = fraction;
          const sent = formatBytes(Math.round(fraction * file.size));
          note.textContent =
            message ?? `Uploading… ${Math.floor(fraction * 100)}% · ${sent} of ${formatBytes(file.size)}`;
        },
        /** @param {string} message */
        done(message) {
          progress.value = 1;
          settle('done', message);
        },
        /** @param {string} message */
        refuse(message) {
          progress.remove();
          settle('rejected', message);
        },
        /**
         * Stopped, but resumable: the ✕ still cancels it for good.
         *
         * @param {string} message
         */
        paused(message) {
          settle('paused', message);
        },
        remove() {
          li.remove();
          refresh();
        },
      };
      return row;
    },
  };
}
