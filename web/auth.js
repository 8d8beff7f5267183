import * as oauth from 'oauth4webapi';
import { SessionEndedError } from './api.js';
import { sessionStore } from './session-store.js';

/** The authorization response's parameters: they leave the address bar before anything else happens. */
const CALLBACK_PARAMS = ['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state'];
/** The longest head start of a refresh before the access token expires. */
const MAX_REFRESH_MARGIN_MS = 60_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** A sign-in that did not complete, with the reason in words for the user. */
export class SignInError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'SignInError';
  }
}

/**
 * @typedef {import('./api.js').JwtAuth} JwtAuth
 * @typedef {{ sub: string, label: string }} User
 */

/**
 * @param {string} base
 * @param {Record<string, string>} params
 */
const withParams = (base, params) => {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.href;
};

/** fetch's TypeError when no answer came; oauth4webapi's own TypeErrors carry a `code`. */
const isNetworkError = (/** @type {unknown} */ error) => error instanceof TypeError && !('code' in error);

/**
 * A failed sign-in in words for the user.
 *
 * @param {unknown} error
 */
function signInFailure(error) {
  if (error instanceof SignInError || isNetworkError(error)) return error;
  if (error instanceof oauth.AuthorizationResponseError || error instanceof oauth.ResponseBodyError)
    return new SignInError(error.error_description ?? error.error);
  // oauth4webapi's checks (state, iss, nonce, the ID token's claims), worded for developers.
  return new SignInError("the answer did not match this tab's sign-in request.");
}

/**
 * Sign-in for JWT mode: OpenID Connect authorization code + PKCE against the
 * issuer of config.json, with oauth4webapi doing the protocol (discovery,
 * state, nonce, PKCE S256, the ID token's claims). It owns the session:
 * the access token lives in this closure only, so no other module, URL or
 * log sees it; the refresh token in sessionStorage (see session-store.js).
 *
 * Access tokens are refreshed on demand, shortly before they expire, by the
 * call that needs one, rather than on a timer: an idle tab then keeps no
 * session alive, and a background tab's throttled timer cannot be late.
 *
 * @example
 *   const auth = createAuth(config.auth, { onEnded: (message) => view.signedOut(message) });
 *   const api = new Api(config, auth);
 *   if (await auth.start()) view.signedIn(auth.user);
 *
 * @param {JwtAuth} config
 * @param {{ onEnded: (message: string) => void }} hooks `onEnded` runs once, when
 *   the session can no longer be refreshed; no API call is made after it.
 */
export function createAuth(config, { onEnded }) {
  const issuer = new URL(config.issuer);
  /** @type {oauth.Client} */
  const client = { client_id: config.clientId };
  const clientAuth = oauth.None();
  // oauth4webapi speaks only HTTPS; a provider on this machine (the browser tests', a local Keycloak) may not.
  const http = {
    [oauth.allowInsecureRequests]: issuer.protocol === 'http:' && LOOPBACK.has(issuer.hostname),
  };

  /** @type {Promise<oauth.AuthorizationServer> | undefined} */
  let discovered;
  let accessToken = '';
  let refreshAt = 0;
  let idToken = '';
  /** @type {User | undefined} */
  let user;
  let ended = false;
  /** @type {Promise<void> | undefined} */
  let refreshing;

  function server() {
    discovered ??= oauth
      .discoveryRequest(issuer, http)
      .then((res) => oauth.processDiscoveryResponse(issuer, res))
      .catch((error) => {
        discovered = undefined;
        throw error;
      });
    return discovered;
  }

  /** @param {oauth.TokenEndpointResponse} tokens */
  function accept(tokens) {
    const saved = sessionStore.session();
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    // An ID token from a refresh must name the same person (OpenID Connect Core 12.2).
    if (claims && saved && claims.sub !== saved.sub) throw new SignInError('the session changed hands.');
    const sub = claims?.sub ?? saved?.sub;
    if (!sub) throw new SignInError('the sign-in service sent no ID token.');
    const named = [claims?.email, claims?.name, claims?.preferred_username].find(
      (c) => typeof c === 'string',
    );
    user = { sub, label: /** @type {string | undefined} */ (named) ?? saved?.label ?? sub };
    accessToken = tokens.access_token;
    if (tokens.id_token) idToken = tokens.id_token;
    // A head start of a quarter of the lifetime, at most a minute, for clock drift and the request itself.
    // Without expires_in the page cannot know: it refreshes when the API answers 401.
    const lifetimeMs = (tokens.expires_in ?? Number.POSITIVE_INFINITY) * 1000;
    refreshAt = Date.now() + lifetimeMs - Math.min(MAX_REFRESH_MARGIN_MS, lifetimeMs / 4);
    // A provider that rotates refresh tokens (oidc-provider for public clients, Auth0, Cognito with
    // rotation on) has spent the old one with this answer: using it again fails, and may look like
    // a replay that revokes the whole session. So the new one replaces it at once. A provider that
    // does not rotate sends none, and the old one stays.
    sessionStore.saveSession({ ...user, refreshToken: tokens.refresh_token ?? saved?.refreshToken });
  }

  function forget() {
    accessToken = '';
    idToken = '';
    refreshAt = 0;
    user = undefined;
    sessionStore.clear();
  }

  function end() {
    if (ended) return;
    ended = true;
    forget();
    onEnded(new SessionEndedError().message);
  }

  /** One refresh at a time: the calls that need a token meanwhile wait for the same one. */
  function refresh() {
    refreshing ??= (async () => {
      const saved = sessionStore.session();
      if (!saved?.refreshToken) throw new SessionEndedError();
      const as = await server();
      const res = await oauth.refreshTokenGrantRequest(as, client, clientAuth, saved.refreshToken, http);
      accept(await oauth.processRefreshTokenResponse(as, client, res));
    })()
      .catch((error) => {
        // No answer at all (offline): the session stays; this call fails and a later one tries again.
        if (isNetworkError(error) && !ended) throw error;
        end();
        throw new SessionEndedError();
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  /** @param {URL} url the page's address with the authorization response in its query */
  async function finishSignIn(url) {
    const params = new URLSearchParams(url.search);
    for (const name of CALLBACK_PARAMS) url.searchParams.delete(name);
    history.replaceState(history.state, '', url.href);
    const pending = sessionStore.takePending();
    forget();
    if (!pending) throw new SignInError('this tab did not start a sign-in.');
    const as = await server();
    try {
      const callback = oauth.validateAuthResponse(as, client, params, pending.state);
      const { redirectUri } = config;
      const res = await oauth.authorizationCodeGrantRequest(
        as,
        client,
        clientAuth,
        callback,
        redirectUri,
        pending.verifier,
        http,
      );
      const options = { expectedNonce: pending.nonce, requireIdToken: true };
      accept(await oauth.processAuthorizationCodeResponse(as, client, res, options));
    } catch (error) {
      forget();
      throw signInFailure(error);
    }
  }

  return {
    /** Who is signed in, for the top bar. */
    get user() {
      return user;
    },

    /**
     * Finishes a sign-in when the provider has just sent the browser back, or
     * resumes this tab's session after a reload. Resolves to whether someone is
     * signed in; rejects with a SignInError when a sign-in failed.
     */
    async start() {
      const url = new URL(location.href);
      if (CALLBACK_PARAMS.some((name) => url.searchParams.has(name))) {
        await finishSignIn(url);
        return true;
      }
      if (!sessionStore.session()?.refreshToken) return false;
      // The access token was in memory only: the refresh token gets a new one.
      await refresh();
      return true;
    },

    /**
     * Leaves for the provider's sign-in (or sign-up) page.
     *
     * @param {{ signUp?: boolean }} [options]
     */
    async signIn({ signUp = false } = {}) {
      const as = await server();
      const verifier = oauth.generateRandomCodeVerifier();
      const pending = { state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce(), verifier };
      const endpoint = signUp && config.signUpEndpoint ? config.signUpEndpoint : as.authorization_endpoint;
      if (!endpoint) throw new SignInError('the sign-in service names no authorization endpoint.');
      const target = withParams(endpoint, {
        client_id: config.clientId,
        redirect_uri: config.redirectUri,
        response_type: 'code',
        scope: config.scope,
        state: pending.state,
        nonce: pending.nonce,
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      forget();
      sessionStore.savePending(pending);
      location.assign(target);
    },

    /**
     * Ends the session here, then at the provider, which sends the browser back to `logoutUri`.
     * A top-level GET, not a form POST: the provider's session cookie is SameSite=Lax as a rule,
     * so a cross-site POST would arrive without it. config.json's endSessionEndpoint wins: it is
     * there for Cognito, whose /logout reads `logout_uri` and ignores an ID token hint, so it gets
     * none: a Cognito ID token names the app client as audience, which is what the API checks.
     */
    async signOut() {
      const hint = idToken;
      ended = true;
      forget();
      const as = await server().catch(() => undefined);
      const common = { client_id: config.clientId, post_logout_redirect_uri: config.logoutUri };
      if (config.endSessionEndpoint) {
        location.assign(withParams(config.endSessionEndpoint, { ...common, logout_uri: config.logoutUri }));
      } else if (as?.end_session_endpoint) {
        location.assign(
          withParams(as.end_session_endpoint, hint ? { ...common, id_token_hint: hint } : common),
        );
      } else {
        // Nowhere to end the provider's session: at least this page's is gone.
        location.assign(config.logoutUri);
      }
    },

    /** A current access token, refreshed first when it is about to expire. */
    async token() {
      if (ended) throw new SessionEndedError();
      if (!accessToken || Date.now() >= refreshAt) await refresh();
      return accessToken;
    },

    /**
     * The API refused `refused`: one refresh, unless another call refreshed
     * since it got that token, in which case the newer token is the answer.
     *
     * @param {string} refused
     */
    async unauthorized(refused) {
      if (ended) throw new SessionEndedError();
      if (refused === accessToken) await refresh();
      return accessToken;
    },

    /** Gives up on the session: the API refused even a fresh token. */
    end,
  };
}
