import { mkdir } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Browser, BrowserContext, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevServer } from '../../src/entrypoints/node/dev-server.js';
import { launchChromium } from '../support/chromium.js';
import { startLocalDevServer } from '../support/dev-server.js';
import { photoPng } from '../support/images.js';
import {
  startTestOidcProvider,
  TEST_ACCOUNTS,
  type TestLogin,
  type TestOidcProvider,
} from '../support/oidc-provider.js';

/**
 * Sign-in in a real browser (Debian's chromium, driven by playwright-core):
 * the gallery page against the dev server in JWT mode, which trusts a real
 * OpenID provider (panva's oidc-provider) started here on 127.0.0.1. The page
 * does authorization code + PKCE with oauth4webapi; the provider's own login
 * form and sign-out confirmation are what the person clicks through.
 *
 * Requests are counted with page.on('request'): token requests are POSTs to
 * the provider's token endpoint, API requests those to /photos and /uploads.
 */

const ARTIFACTS = new URL('../../test-results/', import.meta.url);
const SESSION_ENDED = 'Your session ended — sign in again';

let idp: TestOidcProvider;
let server: DevServer;
let browser: Browser;

interface Tab {
  readonly page: Page;
  readonly context: BrowserContext;
  readonly requests: Request[];
  /** Every token endpoint answer's tokens, as the provider sent them. */
  readonly tokens: { access_token?: string; id_token?: string; refresh_token?: string }[];
  /** Console lines of every level and script errors, each with the address the tab showed then. */
  readonly logs: { line: string; on: string }[];
  /** Chromium logs a refused request (the 401, the 400 of a refused refresh) as a console error. */
  refusalsExpected?: boolean;
}

const tabs: Tab[] = [];

async function openTab(): Promise<Tab> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 800 } });
  // Only 127.0.0.1: the provider's pages ask for a web font, which the test does without.
  await context.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
  const page = await context.newPage();
  const tab: Tab = { page, context, requests: [], tokens: [], logs: [] };
  page.on('request', (request) => tab.requests.push(request));
  page.on('response', async (response) => {
    if (response.url() === `${idp.issuer}/token` && response.ok()) tab.tokens.push(await response.json());
  });
  page.on('console', (message) =>
    tab.logs.push({ line: `${message.type()}: ${message.text()}`, on: page.url() }),
  );
  page.on('pageerror', (error) => tab.logs.push({ line: `pageerror: ${error.message}`, on: page.url() }));
  tabs.push(tab);
  return tab;
}

const tokenRequests = (tab: Tab, from = 0) =>
  tab.requests.slice(from).filter((r) => r.method() === 'POST' && r.url() === `${idp.issuer}/token`);

const apiRequests = (tab: Tab, from = 0) =>
  tab.requests.slice(from).filter((r) => {
    const url = new URL(r.url());
    return (
      url.origin === server.url && /^\/(photos|uploads)\b/.test(url.pathname) && r.method() !== 'OPTIONS'
    );
  });

const grantType = (request: Request) => new URLSearchParams(request.postData() ?? '').get('grant_type');

const signInHeading = (page: Page) => page.getByRole('heading', { name: 'Sign in to see your photos' });

/** From the sign-in screen through the provider's login form, back to the gallery. */
async function signIn(page: Page, login: TestLogin, screenshot?: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await submitLogin(page, login, screenshot);
}

async function submitLogin(page: Page, login: TestLogin, screenshot?: string): Promise<void> {
  await page.waitForURL(`${idp.issuer}/interaction/**`);
  await page.locator('input[name="login"]').waitFor();
  if (screenshot) await page.screenshot({ path: new URL(screenshot, ARTIFACTS).pathname });
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill('any password: devInteractions checks none');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.waitForURL(`${server.url}/`);
  await page.locator('#account-name', { hasText: TEST_ACCOUNTS[login].email }).waitFor();
}

async function upload(page: Page, filename: string): Promise<void> {
  await page
    .locator('#files')
    .setInputFiles([{ name: filename, mimeType: 'image/png', buffer: Buffer.from(await photoPng()) }]);
  await page.waitForFunction(
    (name) => {
      const img = [...document.querySelectorAll<HTMLImageElement>('.tile img')].find((i) => i.alt === name);
      return Boolean(img?.complete) && (img?.naturalWidth ?? 0) > 0;
    },
    filename,
    { timeout: 30_000 },
  );
}

const saved = (page: Page) =>
  page.evaluate(() => ({ session: { ...sessionStorage }, local: { ...localStorage } }));

const refreshTokenOf = async (page: Page): Promise<string> =>
  JSON.parse((await saved(page)).session['pixport.session'] ?? '{}').refreshToken ?? '';

beforeAll(async () => {
  // The provider first: the dev server needs its issuer, the provider the page's URL.
  idp = await startTestOidcProvider();
  server = await startLocalDevServer({
    auth: {
      mode: 'jwt',
      issuer: idp.issuer,
      audience: idp.audience,
      jwksUrl: idp.jwksUrl,
      clientId: idp.clientId,
      // oidc-provider has no sign-up page of its own; Cognito's /signup is an authorization
      // endpoint too, so its own stands in: what counts is that Sign up starts the same flow.
      signUpEndpoint: `${idp.issuer}/auth`,
    },
  });
  idp.trust(`${server.url}/`);
  browser = await launchChromium();
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await idp?.close();
});

describe('signing in to the gallery', () => {
  /** Shared by the first two steps, which run in order like one person at one browser. */
  let tab: Tab;

  it('signs in through the provider, uploads and sees a photo, and signs out of the provider too', async () => {
    tab = await openTab();
    const { page } = tab;
    await page.goto(server.url);

    // Signed out: a sign-in screen and nothing of the gallery.
    await signInHeading(page).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sign-in-heading');
    expect(await page.getByRole('button', { name: 'Sign up' }).isVisible()).toBe(true);
    expect(await page.locator('#files').isVisible()).toBe(false);
    expect(await page.getByRole('heading', { name: 'Photos', exact: true }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(false);
    await page.screenshot({ path: new URL('signin-signed-out.png', ARTIFACTS).pathname });

    await signIn(page, 'alice', 'signin-provider-login.png');
    // The callback's code and state left the address bar, and no request passed the code on.
    expect(page.url()).toBe(`${server.url}/`);
    const callback = tab.requests.find((r) => r.url().startsWith(`${server.url}/?code=`));
    const code = new URL(callback?.url() ?? server.url).searchParams.get('code') ?? '';
    expect(code).not.toBe('');
    for (const request of tab.requests.filter((r) => r !== callback)) {
      expect(request.url()).not.toContain(code);
      expect((await request.headerValue('referer')) ?? '').not.toContain(code);
    }
    // The gallery has focus.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('gallery-heading');
    expect(await page.getByRole('button', { name: 'Sign out' }).isVisible()).toBe(true);
    expect(tokenRequests(tab).map(grantType)).toEqual(['authorization_code']);

    await upload(page, 'harbour.png');
    await page.screenshot({ path: new URL('signin-gallery.png', ARTIFACTS).pathname });
    expect(server.blobs.keys('originals/alice/')).toHaveLength(1);

    // The access token went only into Authorization headers, the refresh token only to the token
    // endpoint: neither into a URL, the console or (the access token) storage.
    const [issued] = tab.tokens;
    expect([issued?.access_token, issued?.id_token, issued?.refresh_token].every(Boolean)).toBe(true);
    for (const request of apiRequests(tab))
      expect(await request.headerValue('authorization')).toBe(`Bearer ${issued?.access_token}`);
    const stored = JSON.stringify(await saved(page));
    expect(stored).not.toContain(issued?.access_token);
    expect(stored).not.toContain(issued?.id_token);

    // Sign-out ends the provider's session: its confirmation, then back to the sign-in screen.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${idp.issuer}/session/end**`);
    await page.getByRole('button', { name: 'Yes, sign me out' }).click();
    await page.waitForURL(`${server.url}/`);
    await signInHeading(page).waitFor();
    expect((await saved(page)).session).toEqual({});
    // The ID token's one trip in a URL is the spec's: the hint of the logout request.
    const endSession = tab.requests.filter((r) => r.url().startsWith(`${idp.issuer}/session/end?`));
    expect(endSession).toHaveLength(1);
    expect(Object.fromEntries(new URL(endSession[0]?.url() ?? '').searchParams)).toEqual({
      client_id: idp.clientId,
      id_token_hint: issued?.id_token,
      post_logout_redirect_uri: `${server.url}/`,
    });
    for (const secret of [issued?.access_token, issued?.id_token, issued?.refresh_token] as string[]) {
      const inUrls = tab.requests.filter((r) => r.url().includes(secret) && !endSession.includes(r));
      expect(inUrls).toEqual([]);
      expect(tab.logs.filter(({ line }) => line.includes(secret))).toEqual([]);
    }
    // The provider no longer knows her: signing in again asks for a login.
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.locator('input[name="login"]').waitFor();
  });

  it("shows a second user nothing of the first user's", async () => {
    const { page } = tab;
    const before = tab.requests.length;
    await submitLogin(page, 'bob');
    await page.getByText('No photos yet').waitFor();
    expect(await page.locator('.tile').count()).toBe(0);
    expect(await page.locator('#account-name').textContent()).toBe(TEST_ACCOUNTS.bob.email);
    const lists = apiRequests(tab, before).filter((r) => r.url().includes('/photos?'));
    expect(lists).toHaveLength(1);
    expect((await lists[0]?.response())?.status()).toBe(200);
    expect(server.blobs.keys('originals/alice/')).toHaveLength(1);
    expect(server.blobs.keys('originals/bob/')).toHaveLength(0);
  });

  it('refreshes an access token that expires mid-session, with the rotated refresh token', async () => {
    idp.accessTokenTtl = 4;
    const tab = await openTab();
    const { page } = tab;
    await page.goto(server.url);
    await signIn(page, 'alice');
    await page.locator('.tile', { hasText: 'harbour.png' }).waitFor();
    // Tokens issued from now on last; so exactly one refresh is due in this test.
    idp.accessTokenTtl = 600;
    const first = tab.tokens[0]?.access_token;
    const firstRefreshToken = await refreshTokenOf(page);
    expect(firstRefreshToken).toBe(tab.tokens[0]?.refresh_token);

    // Past the first access token's expiry; the next API call needs a new one.
    await sleep(4_500);
    const mark = tab.requests.length;
    await upload(page, 'later.png');

    expect(tokenRequests(tab).map(grantType)).toEqual(['authorization_code', 'refresh_token']);
    const [refresh] = tokenRequests(tab, mark);
    expect(new URLSearchParams(refresh?.postData() ?? '').get('refresh_token')).toBe(firstRefreshToken);
    // The refresh came before the call, not after a 401: every API answer since was a success.
    const calls = apiRequests(tab, mark);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    for (const call of calls) {
      expect((await call.response())?.ok()).toBe(true);
      expect(await call.headerValue('authorization')).toBe(`Bearer ${tab.tokens[1]?.access_token}`);
    }
    expect(tab.tokens[1]?.access_token).not.toBe(first);
    // Rotation: the provider sent a new refresh token and the page keeps that one.
    expect(tab.tokens[1]?.refresh_token).toBeTruthy();
    expect(tab.tokens[1]?.refresh_token).not.toBe(firstRefreshToken);
    expect(await refreshTokenOf(page)).toBe(tab.tokens[1]?.refresh_token);

    // A reload keeps the session: the access token was in memory, the refresh token gets another.
    await page.reload();
    await page.locator('.tile', { hasText: 'later.png' }).waitFor();
    expect(tokenRequests(tab).map(grantType)).toEqual([
      'authorization_code',
      'refresh_token',
      'refresh_token',
    ]);
  });

  it('lands on the sign-in screen when the session cannot be refreshed, after one API request and one refresh', async () => {
    idp.accessTokenTtl = 3;
    const tab = await openTab();
    tab.refusalsExpected = true;
    const { page } = tab;
    await page.goto(server.url);
    await signIn(page, 'bob');
    await page.getByText('No photos yet').waitFor();
    // The page's clock stops, so it sends its token past the expiry: the API's 401 is what it learns
    // from (a clock that runs behind does this for real). The provider forgets the session meanwhile.
    await page.clock.setFixedTime(Date.now());
    await idp.revoke(await refreshTokenOf(page));
    await sleep(3_500);

    const mark = tab.requests.length;
    await page
      .locator('#files')
      .setInputFiles([
        { name: 'too-late.png', mimeType: 'image/png', buffer: Buffer.from(await photoPng()) },
      ]);
    await page.locator('#sign-in-message', { hasText: SESSION_ENDED }).waitFor();
    await signInHeading(page).waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('sign-in-heading');
    await page.screenshot({ path: new URL('signin-session-ended.png', ARTIFACTS).pathname });
    // Whatever the page still had going (polls, timers) makes no further request.
    await sleep(2_000);

    const calls = apiRequests(tab, mark);
    expect(calls.map((r) => `${r.method()} ${new URL(r.url()).pathname}`)).toEqual(['POST /uploads']);
    expect((await calls[0]?.response())?.status()).toBe(401);
    const refreshes = tokenRequests(tab, mark);
    expect(refreshes.map(grantType)).toEqual(['refresh_token']);
    expect((await refreshes[0]?.response())?.status()).toBe(400);
    expect((await saved(page)).session).toEqual({});
    expect(await page.locator('#gallery').isVisible()).toBe(false);
    expect(server.blobs.keys('originals/bob/')).toHaveLength(0);
  });

  it('refuses a forged callback: no token request, and the page says sign-in failed', async () => {
    const tab = await openTab();
    const { page } = tab;
    await page.goto(server.url);
    // A sign-up (the same flow) under way in this tab: there is a state the forged one fails to match.
    await page.getByRole('button', { name: 'Sign up' }).click();
    await page.waitForURL(`${idp.issuer}/interaction/**`);
    expect(tokenRequests(tab)).toEqual([]);

    const iss = encodeURIComponent(idp.issuer);
    await page.goto(`${server.url}/?code=stolen-or-made-up&state=forged&iss=${iss}`);
    await page.getByText("Sign-in failed: the answer did not match this tab's sign-in request.").waitFor();
    expect(page.url()).toBe(`${server.url}/`);
    expect(tokenRequests(tab)).toEqual([]);
    expect(apiRequests(tab)).toEqual([]);
    // The pending sign-in is spent: replaying the callback with the right state later finds nothing.
    expect((await saved(page)).session).toEqual({});
    expect(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible()).toBe(true);
  });

  it('logged no script errors', () => {
    // The gallery page's errors; the provider's pages are not under test.
    const refusal = /^error: Failed to load resource: the server responded with a status of 40[01]/;
    const errors = tabs.flatMap((t) =>
      t.logs
        .filter(({ line, on }) => on.startsWith(server.url) && /^(error|pageerror)/.test(line))
        .filter(({ line }) => !(t.refusalsExpected && refusal.test(line))),
    );
    expect(errors).toEqual([]);
  });
});
