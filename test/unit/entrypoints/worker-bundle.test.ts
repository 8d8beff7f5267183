import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const WORKER = fileURLToPath(new URL('../../../src/entrypoints/cloudflare/worker.ts', import.meta.url));

/**
 * ARCHITECTURE.md: "A module that a Worker bundle reaches must not import
 * Node-only or AWS-SDK code." Bundling the Worker as wrangler does (no
 * nodejs_compat, so a `node:` import cannot resolve) and reading what went in
 * checks that rule on every change, where a review would miss an import
 * three modules deep.
 */
describe('the Cloudflare Worker bundle', () => {
  it('bundles for workerd without node: builtins, the AWS SDK, Powertools, wasm-vips or libheif-js', async () => {
    const result = await build({
      entryPoints: [WORKER],
      bundle: true,
      write: false,
      metafile: true,
      format: 'esm',
      platform: 'neutral',
      conditions: ['workerd', 'worker', 'browser'],
      mainFields: ['browser', 'module', 'main'],
      external: ['cloudflare:*'],
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((i) => i.endsWith('src/entrypoints/cloudflare/worker.ts'))).toBe(true);
    const forbidden = inputs.filter((i) =>
      /node_modules\/(@aws-sdk|@smithy|@aws-lambda-powertools|wasm-vips|libheif-js|sharp)\//.test(i),
    );
    expect(forbidden).toEqual([]);
    const imports = Object.values(result.metafile.outputs).flatMap((o) => o.imports.map((i) => i.path));
    expect(imports.filter((p) => !p.startsWith('cloudflare:'))).toEqual([]);
  }, 30_000);
});
