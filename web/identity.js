/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {{ form: HTMLFormElement, owner: HTMLInputElement }} IdentityElements
 */

/**
 * The "Acting as" form in the top bar, for an API in dev mode: the owner id
 * goes into the Api, which keeps it across reloads and sends it as
 * `X-Owner-Id`; a switch is reported through `onSwitch`. In JWT mode the page
 * signs in instead (web/auth.js, web/sign-in.js) and this form stays hidden.
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
  const { form, owner } = elements;
  form.hidden = false;
  owner.value = api.owner;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    api.owner = owner.value.trim();
    onSwitch();
    announce(`Acting as ${api.owner || 'dev'}.`);
  });
}
