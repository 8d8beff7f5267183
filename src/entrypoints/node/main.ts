import { randomBytes } from 'node:crypto';
import { parseDevConfig } from '../composition/dev-config.js';
import { startDevServer } from './dev-server.js';

let config: ReturnType<typeof parseDevConfig>;
try {
  config = parseDevConfig(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const server = await startDevServer({
  ...config,
  // A fresh secret per run is fine: the in-memory store forgets everything on restart too.
  urlSecret: config.urlSecret ?? randomBytes(32).toString('hex'),
});

console.log(`Pixport dev server: ${server.url}  (gallery at /, API docs at /openapi.json; Ctrl+C stops)`);

let stopping = false;
const stop = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  await server.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
