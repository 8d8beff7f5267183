import { isOwnerId, OWNER_ID_RULE } from './api.js';

/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {{ form: HTMLFormElement, owner: HTMLInputElement, error: HTMLElement }} IdentityElements
 */

/**
 * The "Acting as" form in the top bar, for an API in dev mode: the owner id
 * goes into the Api, which keeps it across reloads and sends it as
 * `X-Owner-Id`; a switch is reported through `onSwitch`. An id the API would
 * refuse (a space, an emoji) is neither saved nor switched to: the field says
 * why, and the page stays who it was. In JWT mode the page signs in instead
 * (web/auth.js, web/sign-in.js) and this form stays hidden.
 *
 * @example
 *   createIdentity({ api, elements, announce, onSwitch: () => grid.reload() });
 *
 * @param {{
 *   api: Api,
 *   elements: IdentityElements,
 *   announce: (message: string) => void,
 *   onSwitch: () => void,
 * }} options
 */
export function createIdentity({ api, elements, announce, onSwitch }) {
  const { form, owner, error } = elements;
  form.hidden = false;
  owner.value = api.owner;

  /** @param {string} message */
  const showError = (message) => {
    error.textContent = message;
    error.hidden = !message;
    if (message) owner.setAttribute('aria-invalid', 'true');
    else owner.removeAttribute('aria-invalid');
  };

  owner.addEventListener('input', () => showError(''));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = owner.value.trim();
    if (value && !isOwnerId(value)) {
      showError(`Not a valid owner id: use ${OWNER_ID_RULE}.`);
      announce(`“${value}” is not a valid owner id. Still acting as ${api.owner || 'dev'}.`);
      owner.focus();
      return;
    }
    showError('');
    api.owner = value;
    onSwitch();
    announce(`Acting as ${api.owner || 'dev'}.`);
  });
}
