import { locateFfmpeg } from '../../src/adapters/video/ffmpeg-locator.js';
import { defaultLimits } from '../../src/domain/limits.js';
import { defaultRenditionSettings } from '../../src/domain/presets.js';
import {
  type DevServer,
  type DevServerOptions,
  startDevServer,
} from '../../src/entrypoints/node/dev-server.js';
import { TEST_URL_SECRET } from './test-secret.js';

/**
 * The dev server as `npm run dev` runs it, on a free port of 127.0.0.1 and
 * without access logs, with the ffmpeg `npm run dev` would find: what the
 * browser test and the API bench drive.
 */
export function startLocalDevServer(overrides: Partial<DevServerOptions> = {}): Promise<DevServer> {
  return startDevServer({
    port: 0,
    host: '127.0.0.1',
    auth: { mode: 'dev' },
    limits: defaultLimits,
    renditions: defaultRenditionSettings,
    urlSecret: TEST_URL_SECRET,
    allowedOrigins: ['*'],
    log: () => {},
    ffmpegPath: locateFfmpeg({ searchPath: process.env.PATH })?.path,
    ...overrides,
  });
}
