/**
 * This tab's saved sign-in state, for web/auth.js alone.
 *
 * The refresh token lives in sessionStorage: not in memory only, because
 * sign-in itself reloads the page (the provider redirects back) and a reload
 * should not sign the user out; not in localStorage, which every tab shares
 * and which outlives the browser. Script on the page could read it either
 * way; rotation (see auth.js) and the provider's reuse detection bound what a
 * stolen one is worth, as OAuth for browser-based apps allows public clients.
 * The access token is never saved: it lives in auth.js's memory.
 */

const SESSION_KEY = 'pixport.session';
/** The state, nonce and PKCE verifier of a sign-in, between leaving for the provider and coming back. */
const PENDING_KEY = 'pixport.sign-in';

/**
 * @typedef {{ sub: string, label: string, refreshToken?: string }} SavedSession
 * @typedef {{ state: string, nonce: string, verifier: string }} PendingSignIn
 */

/** @param {string} key */
function read(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

export const sessionStore = {
  /** @returns {SavedSession | undefined} */
  session: () => read(SESSION_KEY),

  /** @param {SavedSession} session */
  saveSession(session) {
    sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  },

  /** @param {PendingSignIn} pending */
  savePending(pending) {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  },

  /**
   * The sign-in this tab started, once: a second callback finds none.
   *
   * @returns {PendingSignIn | undefined}
   */
  takePending() {
    const pending = read(PENDING_KEY);
    sessionStorage.removeItem(PENDING_KEY);
    return pending;
  },

  clear() {
    sessionStorage.removeItem(SESSION_KEY);
    sessionStorage.removeItem(PENDING_KEY);
  },
};
