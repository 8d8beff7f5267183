import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { type AppHarness, createAppHarness } from '../../support/app-harness.js';
import { tinyPng } from '../../support/images.js';
import { as, expectProblem, registerPng } from './http-helpers.js';

/**
 * A client that gives up mid-body (the page's ✕, a closed tab, a lost
 * connection) is the client's doing: the app answers 4xx, which nobody reads,
 * and logs no "unhandled error". Driven through @hono/node-server on a real
 * socket, as the dev server runs it, because Node's `Error: aborted` only
 * comes from a socket that closes under a request.
 */

let close: (() => Promise<void>) | undefined;

afterEach(async () => {
  await close?.();
  close = undefined;
});

async function listen(h: AppHarness): Promise<string> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Sends the headers and `sent` of `declared` bytes, then closes the socket. */
async function abortMidBody(url: string, method: string, headers: Record<string, string>, declared: number) {
  await new Promise<void>((resolve) => {
    const req = request(url, { method, headers: { ...headers, 'Content-Length': String(declared) } });
    req.on('error', () => resolve());
    req.write(Buffer.alloc(Math.floor(declared / 4), 0x20));
    setTimeout(() => {
      req.destroy();
      resolve();
    }, 100);
  });
}

/** The request log line of a path, once the app has answered it. */
async function answered(h: AppHarness, path: string) {
  for (let i = 0; i < 100; i++) {
    const entry = h.logs.find((e) => e.msg === 'request' && e.path === path);
    if (entry) return entry;
    await sleep(20);
  }
  throw new Error(`no request log line for ${path}`);
}

describe('a request whose client aborts while its body is read', () => {
  it('is a 400 on a signed upload PUT, logged at info, with no "unhandled error"', async () => {
    const h = createAppHarness();
    const base = await listen(h);
    const { upload } = await registerPng(h, new Uint8Array(400_000));
    const path = new URL(upload.url, base).pathname;

    await abortMidBody(new URL(upload.url, base).href, 'PUT', { 'Content-Type': 'image/png' }, 400_000);

    expect(await answered(h, path)).toMatchObject({ level: 'info', status: 400 });
    expect(h.logs.filter((e) => e.msg === 'unhandled error')).toEqual([]);
    expect(h.blobs.keys()).toEqual([]);
  });

  it.each([
    ['POST /uploads', 'POST', '/uploads', { 'Content-Type': 'application/json' }],
    ['POST /photos', 'POST', '/photos', { 'Content-Type': 'image/png' }],
  ])('is a 400 on %s too', async (_, method, path, headers) => {
    const h = createAppHarness();
    const base = await listen(h);

    await abortMidBody(`${base}${path}`, method, as('alice', headers), 12_000);

    expect(await answered(h, path)).toMatchObject({ level: 'info', status: 400 });
    expect(h.logs.filter((e) => e.level === 'error')).toEqual([]);
  });

  it('still answers a whole body as before, and names the code of a broken one', async () => {
    const h = createAppHarness();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(tinyPng().subarray(0, 20));
        controller.error(new Error('aborted'));
      },
    });
    const res = await h.app.request('/photos', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body,
      duplex: 'half',
    } as RequestInit);
    await expectProblem(res, 400, 'request-aborted');
    expect(h.logs.filter((e) => e.msg === 'unhandled error')).toEqual([]);

    const whole = await h.app.request('/photos', {
      method: 'POST',
      headers: { 'Content-Type': 'image/png' },
      body: tinyPng(),
    });
    expect(whole.status).toBe(202);
  });
});
