import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';
import { Container } from 'inversify';
import type { InMemoryBlobStore } from '../../adapters/memory/in-memory-blob-store.js';
import type { InMemoryThumbnailQueue } from '../../adapters/memory/in-memory-thumbnail-queue.js';
import type { ImageProcessor } from '../../application/ports/image-processor.js';
import { type CoreConfig, coreModule } from '../composition/core-module.js';
import { httpUseCases } from '../composition/http-use-cases.js';
import { MEMORY_TOKENS, memoryAdapters } from '../composition/memory-module.js';
import { TOKENS as T } from '../composition/tokens.js';
import { createApp, type LogEntry } from '../http/create-app.js';
import type { IdentityResolver } from '../http/identity.js';
import { problemResponse } from '../http/problem.js';
import { unmatched } from '../http/unmatched.js';

export interface DevServerOptions extends CoreConfig {
  readonly port: number;
  readonly host: string;
  readonly urlSecret: string;
  readonly identity: IdentityResolver;
  /** The processor of the in-process worker; closed when the server stops. */
  readonly processor: ImageProcessor & { close(): Promise<void> };
  readonly allowedOrigins: readonly string[];
  /** What the gallery page is told at `/config.json`. */
  readonly pageConfig: Record<string, unknown>;
  readonly log?: (entry: LogEntry) => void;
}

export interface DevServer {
  readonly url: string;
  readonly blobs: InMemoryBlobStore;
  readonly queue: InMemoryThumbnailQueue;
  /** Stops taking requests, lets running jobs finish, closes the processor. */
  close(): Promise<void>;
}

const WEB_ROOT = fileURLToPath(new URL('../../../web/', import.meta.url));

/**
 * Browser modules the page imports from `vendor/` (see the import map in
 * web/index.html), served straight from node_modules so there is no build step;
 * a deploy copies the same files next to the page.
 */
const VENDOR_MODULES: Record<string, string> = { 'thumbhash.js': 'thumbhash/thumbhash.js' };

/**
 * The dev server: the HTTP API on in-memory adapters, an in-process worker
 * draining the thumbnail queue with wasm-vips, the `/files` routes and the
 * gallery page. What frontend developers run with `npm run dev`.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const log =
    options.log ??
    ((entry: LogEntry) => console.log(JSON.stringify({ time: new Date().toISOString(), ...entry })));
  const container = new Container();
  container.load(
    coreModule(options),
    memoryAdapters({
      urlSecret: options.urlSecret,
      filesBaseUrl: '/files',
      queue: {
        retryDelayMs: 500,
        onError: (error, job, attempt) =>
          log({
            level: 'warn',
            msg: 'thumbnail job failed; will retry',
            attempt,
            ...job,
            error: String(error),
          }),
      },
    }),
  );
  container.bind(T.ImageProcessor).toConstantValue(options.processor);

  const queue = container.get(MEMORY_TOKENS.InMemoryThumbnailQueue);
  const blobs = container.get(MEMORY_TOKENS.InMemoryBlobStore);
  const generate = container.get(T.GenerateThumbnail);
  const stopDrain = queue.consume(async (job) => {
    const started = performance.now();
    const outcome = await generate.execute(job);
    log({
      level: 'info',
      msg: 'thumbnail job',
      ...job,
      outcome: outcome.kind,
      durationMs: Math.round(performance.now() - started),
    });
  });

  const api = createApp({
    useCases: httpUseCases(container),
    identity: options.identity,
    limits: options.limits,
    renditions: options.renditions,
    allowedOrigins: options.allowedOrigins,
    files: {
      signer: container.get(MEMORY_TOKENS.HmacUrlSigner),
      blobs,
      acceptUpload: container.get(T.AcceptUpload),
    },
    log,
  });

  const require = createRequire(import.meta.url);
  const vendor = new Map(
    await Promise.all(
      Object.entries(VENDOR_MODULES).map(
        async ([name, id]) => [name, await readFile(require.resolve(id), 'utf8')] as const,
      ),
    ),
  );

  const app = new Hono();
  app.get('/config.json', (c) => c.json(options.pageConfig));
  app.get('/vendor/:name', (c) => {
    const source = vendor.get(c.req.param('name'));
    if (source === undefined) return c.notFound();
    return c.body(source, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'no-cache',
    });
  });
  // The API first, so that API requests never touch the disk; the page for the rest.
  app.route('/', api);
  app.use('/*', serveStatic({ root: WEB_ROOT }));
  app.notFound((c) => problemResponse(unmatched(app.routes, c), c.get('requestId')));

  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;

  return {
    url: `http://${host}:${port}`,
    blobs,
    queue,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      stopDrain();
      await Promise.race([queue.onIdle(), new Promise((r) => setTimeout(r, 10_000))]);
      await options.processor.close();
    },
  };
}
