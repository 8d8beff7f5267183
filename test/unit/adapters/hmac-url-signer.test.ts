import { describe, expect, it } from 'vitest';
import { HmacUrlSigner } from '../../../src/adapters/crypto/hmac-url-signer.js';
import { InvalidSignatureError } from '../../../src/domain/errors.js';
import { ManualClock } from '../../support/manual-clock.js';
import { expectErr, expectOk } from '../../support/results.js';
import { TEST_URL_SECRET } from '../../support/test-secret.js';

const KEY = 'renditions/alice/0190f3a2-7b1c-7d2e-8f3a-0123456789ab/thumb.webp';

const make = (secret = TEST_URL_SECRET) => {
  const clock = new ManualClock();
  return { clock, signer: new HmacUrlSigner({ secret, baseUrl: '/files', getTtlSeconds: 60 }, clock) };
};

/** Splits a signed URL as the `/files` route does: the key decoded segment by segment, and the query. */
const parse = (signed: string) => {
  const url = new URL(signed, 'http://x');
  expect(url.pathname.startsWith('/files/')).toBe(true);
  const key = url.pathname.slice('/files/'.length).split('/').map(decodeURIComponent).join('/');
  return { key, params: url.searchParams };
};

const withParam = (params: URLSearchParams, name: string, value: string) => {
  const copy = new URLSearchParams(params);
  copy.set(name, value);
  return copy;
};

describe('HmacUrlSigner', () => {
  it('signs a GET that verifies, granting what was signed', async () => {
    const { signer } = make();
    const { key, params } = parse(
      await signer.signGet(KEY, { downloadName: 'beach.jpg', contentType: 'image/jpeg' }),
    );
    expect(key).toBe(KEY);
    expect(expectOk(await signer.verify('GET', key, params))).toEqual({
      method: 'GET',
      key: KEY,
      downloadName: 'beach.jpg',
      contentType: 'image/jpeg',
    });
  });

  it('signs a plain GET without download name or type', async () => {
    const { signer } = make();
    const { key, params } = parse(await signer.signGet(KEY));
    expect(expectOk(await signer.verify('GET', key, params))).toEqual({ method: 'GET', key: KEY });
  });

  it('refuses a GET whose key, expiry, download name, type or signature was altered', async () => {
    const { signer } = make();
    const { key, params } = parse(await signer.signGet(KEY, { downloadName: 'beach.jpg' }));
    const sig = params.get('sig') ?? '';
    const exp = Number(params.get('exp'));
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);

    const attempts: [string, URLSearchParams][] = [
      [KEY.replace('thumb', 'large'), params],
      [key, withParam(params, 'exp', String(exp + 3600))],
      [key, withParam(params, 'dn', 'evil.html')],
      [key, withParam(params, 'ct', 'text/html')],
      [key, withParam(params, 'sig', flipped)],
      [key, withParam(params, 'sig', '')],
      [key, withParam(params, 'sig', 'not base64!')],
    ];
    const noDn = new URLSearchParams(params);
    noDn.delete('dn');
    attempts.push([key, noDn]);

    for (const [k, p] of attempts) expectErr(await signer.verify('GET', k, p), InvalidSignatureError);
  });

  it('refuses a URL once it has expired, and says so', async () => {
    const { signer, clock } = make();
    const { key, params } = parse(await signer.signGet(KEY));
    clock.advance(59_000);
    expectOk(await signer.verify('GET', key, params));
    clock.advance(1_000);
    const error = expectErr(await signer.verify('GET', key, params), InvalidSignatureError);
    expect(error.message).toMatch(/expired/);
  });

  it('signs an upload as a PUT bound to its type and exact size', async () => {
    const { signer, clock } = make();
    const target = await signer.signUpload(KEY, { contentType: 'image/png', size: 1234 });

    expect(target.method).toBe('PUT');
    expect(target.headers).toEqual({ 'Content-Type': 'image/png' });
    expect(Date.parse(target.expiresAt)).toBe(clock.now().getTime() + 900_000);
    const { key, params } = parse(target.url);
    expect(params.get('ct')).toBe('image/png');
    expect(params.get('len')).toBe('1234');
    expect(expectOk(await signer.verify('PUT', key, params))).toEqual({
      method: 'PUT',
      key: KEY,
      contentType: 'image/png',
      size: 1234,
    });

    for (const altered of [
      withParam(params, 'len', '1235'),
      withParam(params, 'ct', 'image/svg+xml'),
      withParam(params, 'exp', String(Number(params.get('exp')) + 1)),
    ]) {
      expectErr(await signer.verify('PUT', key, altered), InvalidSignatureError);
    }
    const noLen = new URLSearchParams(params);
    noLen.delete('len');
    expectErr(await signer.verify('PUT', key, noLen), InvalidSignatureError);
  });

  it('refuses a PUT URL used as a GET, and a GET URL used as a PUT', async () => {
    const { signer } = make();
    const put = parse((await signer.signUpload(KEY, { contentType: 'image/png', size: 10 })).url);
    expectErr(await signer.verify('GET', put.key, put.params), InvalidSignatureError);
    const get = parse(await signer.signGet(KEY, { contentType: 'image/png' }));
    expectErr(await signer.verify('PUT', get.key, withParam(get.params, 'len', '10')), InvalidSignatureError);
  });

  it('refuses a URL signed with another secret', async () => {
    const { signer } = make();
    const { signer: other } = make(`${TEST_URL_SECRET}-but-another`);
    const { key, params } = parse(await other.signGet(KEY));
    expectErr(await signer.verify('GET', key, params), InvalidSignatureError);
  });

  it('refuses a secret shorter than 32 bytes', () => {
    const clock = new ManualClock();
    expect(() => new HmacUrlSigner({ secret: 'x'.repeat(31), baseUrl: '/files' }, clock)).toThrow(/32 bytes/);
    expect(() => new HmacUrlSigner({ secret: 'x'.repeat(32), baseUrl: '/files' }, clock)).not.toThrow();
  });

  it.each([
    'originals/auth0|a+b/0190f3a2-7b1c-7d2e-8f3a-0123456789ab',
    'renditions/user@example.com:x=y/0190f3a2-7b1c-7d2e-8f3a-0123456789ab/thumb.webp',
    'originals/a b%20c?#&/k',
  ])('round-trips the key %s through URL encoding', async (special) => {
    const { signer } = make();
    const get = parse(await signer.signGet(special, { downloadName: 'ä & b+c.jpg' }));
    expect(get.key).toBe(special);
    expect(expectOk(await signer.verify('GET', get.key, get.params))).toMatchObject({
      key: special,
      downloadName: 'ä & b+c.jpg',
    });

    const put = parse((await signer.signUpload(special, { contentType: 'image/jpeg', size: 1 })).url);
    expect(put.key).toBe(special);
    expectOk(await signer.verify('PUT', put.key, put.params));
  });

  it('puts the URL under an absolute base without doubling slashes', async () => {
    const signer = new HmacUrlSigner(
      { secret: TEST_URL_SECRET, baseUrl: 'https://cdn.example.com/files/' },
      new ManualClock(),
    );
    const url = new URL(await signer.signGet(KEY));
    expect(url.origin).toBe('https://cdn.example.com');
    expect(url.pathname).toBe(`/files/${KEY}`);
  });

  it('gives the same GET URL while its rounded expiry holds, lasting between 1 and 1.25 TTLs', async () => {
    const { clock, signer } = make();
    clock.set(Date.parse('2026-03-01T12:00:01Z'));
    const signedAt = clock.now().getTime();
    const first = await signer.signGet(KEY);
    clock.advance(5_000);
    expect(await signer.signGet(KEY)).toBe(first);
    const lifetime = Number(parse(first).params.get('exp')) * 1000 - signedAt;
    expect(lifetime).toBeGreaterThanOrEqual(60_000);
    expect(lifetime).toBeLessThanOrEqual(75_000);
    clock.advance(15_000);
    const later = await signer.signGet(KEY);
    expect(later).not.toBe(first);
    expectOk(await signer.verify('GET', KEY, parse(later).params));
    expect(await signer.signGet(KEY, { downloadName: 'a.jpg' })).not.toBe(later);
  });

  it.each([
    ['a download name', { downloadName: 'a.jpg' }, { downloadName: 'b.jpg' }],
    ['a content type', { contentType: 'image/jpeg' }, { contentType: 'image/png' }],
    ['options or none', { downloadName: 'a.jpg', contentType: 'image/jpeg' }, {}],
  ])('grants what each call asked for when one key is signed with %s in turn', async (_, a, b) => {
    const { signer } = make();
    for (const options of [a, b, a, b]) {
      const { key, params } = parse(await signer.signGet(KEY, options));
      expect(expectOk(await signer.verify('GET', key, params))).toEqual({
        method: 'GET',
        key: KEY,
        ...options,
      });
    }
  });
});
