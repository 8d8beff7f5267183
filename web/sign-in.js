import { messageOf } from './api.js';

/**
 * @typedef {{ screen: HTMLElement, heading: HTMLElement, message: HTMLElement, signIn: HTMLButtonElement,
 *   signUp: HTMLButtonElement, gallery: HTMLElement, galleryHeading: HTMLElement, account: HTMLElement,
 *   name: HTMLElement, signOut: HTMLButtonElement }} SignInElements
 * @typedef {{ signIn: (options?: { signUp?: boolean }) => Promise<void>, signOut: () => Promise<void> }} SignInActions
 */

/**
 * What JWT mode shows around the gallery: signed out, a sign-in screen (a
 * heading, a sentence, Sign in and, where the provider allows it, Sign up)
 * and nothing of the gallery; signed in, the gallery and, in the top bar, who
 * is signed in with Sign out. It only shows: web/auth.js does the signing in.
 * Focus follows the change, to the sign-in heading (whose message sits under
 * it) or to the gallery's heading, so keyboard and screen-reader users start
 * where the page now is.
 *
 * @example
 *   const view = createSignInView({ auth, elements, canSignUp: Boolean(config.auth.signUpEndpoint) });
 *   view.signedOut('Your session ended — sign in again');
 *
 * @param {{ auth: SignInActions, elements: SignInElements, canSignUp: boolean }} options
 */
export function createSignInView({ auth, elements, canSignUp }) {
  const { screen, heading, message, signIn, signUp, gallery, galleryHeading, account, name, signOut } =
    elements;
  signUp.hidden = !canSignUp;

  /**
   * Runs one of auth's redirects, which only come back when they failed.
   *
   * @param {HTMLButtonElement} button
   * @param {() => Promise<void>} leave
   */
  async function go(button, leave) {
    button.disabled = true;
    try {
      await leave();
    } catch (error) {
      message.textContent = `Sign-in failed: ${messageOf(error)}`;
      button.disabled = false;
    }
  }

  signIn.addEventListener('click', () => void go(signIn, () => auth.signIn()));
  signUp.addEventListener('click', () => void go(signUp, () => auth.signIn({ signUp: true })));
  signOut.addEventListener('click', () => void go(signOut, () => auth.signOut()));

  return {
    /**
     * The sign-in screen, with why the user is there when there is a reason.
     *
     * @param {string} [why]
     */
    signedOut(why = '') {
      gallery.hidden = true;
      account.hidden = true;
      screen.hidden = false;
      message.textContent = why;
      signIn.disabled = false;
      signUp.disabled = false;
      heading.focus();
    },

    /** @param {{ label: string }} user */
    signedIn(user) {
      name.textContent = user.label;
      screen.hidden = true;
      account.hidden = false;
      gallery.hidden = false;
      galleryHeading.focus();
    },
  };
}
