import { randomBytes } from 'node:crypto';
import { parseDevConfig } from '../composition/dev-config.js';
import { startDevServer } from './dev-server.js';
import { localImageAnalyzer } from './local-analyzer.js';
import { localFfmpeg } from './local-ffmpeg.js';

let config: ReturnType<typeof parseDevConfig>;
try {
  config = parseDevConfig(process.env);
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const analyzer = config.analysisMode === 'local' ? localImageAnalyzer() : undefined;
const ffmpeg = await localFfmpeg({ searchPath: process.env.PATH });
const server = await startDevServer({
  ...config,
  // A fresh secret per run is fine: the in-memory store forgets everything on restart too.
  urlSecret: config.urlSecret ?? randomBytes(32).toString('hex'),
  ...(analyzer ? { analyzer } : {}),
  ...(ffmpeg.path ? { ffmpegPath: ffmpeg.path } : {}),
});

console.log(`Pixport dev server: ${server.url}  (gallery at /, API docs at /openapi.json; Ctrl+C stops)`);
console.log(ffmpeg.line);
if (analyzer) {
  // Loaded after listening, so the page is up at once; a photo that comes first waits for it.
  analyzer.load().then(
    ({ loadMs, modelVersion }) =>
      console.log(
        `Analysis: local models loaded in ${Math.round(loadMs)} ms (${modelVersion}); ANALYSIS=off turns it off`,
      ),
    (error: unknown) =>
      console.error(`Analysis: the local models failed to load, uploads will retry: ${String(error)}`),
  );
} else {
  console.log('Analysis: off (ANALYSIS=off); uploads get no labels or moderation');
}

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

if (config.imageWarmUp) {
  // After listening, so the page is up at once; a photo that comes first waits for it.
  const started = performance.now();
  server.warmImages().then(
    () =>
      console.log(
        `Images: worker warmed up in ${Math.round(performance.now() - started)} ms; IMAGE_WARM_UP=off skips it`,
      ),
    (error: unknown) => {
      if (!stopping)
        console.error(`Images: the warm-up failed, the first upload starts a worker: ${String(error)}`);
    },
  );
}
