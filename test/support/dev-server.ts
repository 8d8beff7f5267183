import { randomBytes } from 'node:crypto';
import { WasmVipsImageProcessor } from '../../src/adapters/image/wasm-vips-image-processor.js';
import { defaultLimits } from '../../src/domain/limits.js';
import { defaultRenditionSettings } from '../../src/domain/presets.js';
import { devIdentity } from '../../src/entrypoints/http/identity.js';
import {
  type DevServer,
  type DevServerOptions,
  startDevServer,
} from '../../src/entrypoints/node/dev-server.js';

/**
 * The dev server as `npm run dev` runs it, on a free port of 127.0.0.1 and
 * without access logs: what the browser test and the API bench drive.
 */
export function startLocalDevServer(overrides: Partial<DevServerOptions> = {}): Promise<DevServer> {
  return startDevServer({
    port: 0,
    host: '127.0.0.1',
    identity: devIdentity(),
    limits: defaultLimits,
    renditions: defaultRenditionSettings,
    urlSecret: randomBytes(32).toString('hex'),
    processor: new WasmVipsImageProcessor(),
    allowedOrigins: ['*'],
    pageConfig: { apiBase: '', auth: { mode: 'dev' } },
    log: () => {},
    ...overrides,
  });
}
