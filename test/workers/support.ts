import { env } from 'cloudflare:workers';

/** Resolves once `check` returns a value other than undefined, or throws after `timeoutMs`. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Bodies the recorder Worker has seen on `queue`. */
export async function recorded(queue: string): Promise<unknown[]> {
  const { keys } = await env.RECEIVED.list({ prefix: `${queue}/` });
  return Promise.all(
    keys.map(async (k: { name: string }) => JSON.parse((await env.RECEIVED.get(k.name)) ?? 'null')),
  );
}

export const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
