/**
 * @typedef {import('./api.js').Api} Api
 * @typedef {{ form: HTMLFormElement, owner: HTMLInputElement, token: HTMLInputElement }} IdentityElements
 */

/**
 * The identity form in the top bar: "Acting as" an owner id when the API runs
 * in dev mode, a pasted bearer token in jwt mode (config.json's `auth.mode`,
 * which the Api was built from). It writes the choice into the Api, which keeps
 * it across reloads, and reports a switch through `onSwitch`.
 *
 * @example
 *   const identity = createIdentity({ api, elements, announce, onSwitch: () => grid.reload() });
 *   if (identity.needsToken) announce('Paste a token above to see your photos.');
 *
 * @param {{
 *   api: Api,
 *   elements: IdentityElements,
 *   announce: (message: string) => void,
 *   onSwitch: () => void,
 * }} options
 */
export function createIdentity({ api, elements, announce, onSwitch }) {
  const { form, owner, token } = elements;
  const mode = api.mode === 'jwt' ? 'jwt' : 'dev';
  for (const part of form.querySelectorAll('[data-auth]')) {
    /** @type {HTMLElement} */ (part).hidden = part.getAttribute('data-auth') !== mode;
  }
  form.hidden = false;
  owner.value = api.owner;
  token.value = api.token;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (mode === 'jwt') api.token = token.value.trim();
    else api.owner = owner.value.trim();
    onSwitch();
    announce(mode === 'jwt' ? 'Token saved; reloading photos.' : `Acting as ${api.owner || 'dev'}.`);
  });

  return {
    /** In jwt mode without a token the API would refuse every request, so there is nothing to load yet. */
    get needsToken() {
      return mode === 'jwt' && !api.token;
    },
  };
}
