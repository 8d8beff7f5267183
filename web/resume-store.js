const KEY = 'pixport.uploads';
/** Forgotten after this long: the service deletes an upload left pending for 14 days anyway. */
const KEEP_MS = 14 * 24 * 3600 * 1000;

/**
 * A multipart upload the page can resume: which upload it is, and what the
 * person must pick again to continue it.
 *
 * @typedef {{ owner: string, name: string, size: number, lastModified: number, id: string, savedAt: number }} Unfinished
 */

/** @returns {Unfinished[]} */
function load() {
  try {
    const entries = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(entries) ? entries.filter((e) => Date.now() - e.savedAt < KEEP_MS) : [];
  } catch {
    return [];
  }
}

/** @param {Unfinished[]} entries */
function save(entries) {
  try {
    if (entries.length > 0) localStorage.setItem(KEY, JSON.stringify(entries));
    else localStorage.removeItem(KEY);
  } catch {
    // Storage full or disabled (a private window): uploads still run, they just cannot resume.
  }
}

/**
 * The same file, as far as a page can tell: a File carries no path, so its
 * name, size and modification time stand in for it; and the same owner, so
 * that someone else acting in this browser never continues it.
 *
 * @param {Unfinished} entry
 * @param {string} owner
 * @param {File} file
 */
const isOf = (entry, owner, file) =>
  entry.owner === owner &&
  entry.name === file.name &&
  entry.size === file.size &&
  entry.lastModified === file.lastModified;

/**
 * Where the page keeps its unfinished multipart uploads across reloads
 * (localStorage): each upload's id by owner and file. When the person picks
 * or drops the same file again, the uploader asks the API what it received
 * and sends only the rest.
 *
 * @example
 *   resumeStore.remember(owner, file, photo.id);
 *   const id = resumeStore.recall(owner, file)?.id;
 */
export const resumeStore = {
  /**
   * @param {string} owner
   * @param {File} file
   * @param {string} id the upload's (its photo's) id
   */
  remember(owner, file, id) {
    const { name, size, lastModified } = file;
    const entries = load().filter((e) => !isOf(e, owner, file));
    save([...entries, { owner, name, size, lastModified, id, savedAt: Date.now() }]);
  },

  /**
   * @param {string} owner
   * @param {File} file
   * @returns {Unfinished | undefined}
   */
  recall(owner, file) {
    return load().find((e) => isOf(e, owner, file));
  },

  /**
   * Forgets an upload by its id: it completed, was cancelled, or the API no longer has it.
   *
   * @param {string} id
   */
  forget(id) {
    save(load().filter((e) => e.id !== id));
  },

  /**
   * The owner's unfinished uploads, oldest first, to list as paused after a reload.
   *
   * @param {string} owner
   */
  unfinished(owner) {
    return load().filter((e) => e.owner === owner);
  },
};
