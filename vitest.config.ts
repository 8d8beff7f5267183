import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * Drops Vite's "Sourcemap for <file> points to missing source files" for files
 * in node_modules: inversify ships source maps without their sources, and the
 * workers project transforms node_modules through Vite, which says so once per
 * inversify file (about 250 lines). Every other warning still shows.
 */
const quietMissingSources: Plugin = {
  name: 'pixport:quiet-missing-sources',
  configResolved(config) {
    const warnOnce = config.logger.warnOnce.bind(config.logger);
    config.logger.warnOnce = (msg, options) => {
      if (!/^Sourcemap for ".*\/node_modules\/.*" points to missing source files$/.test(msg))
        warnOnce(msg, options);
    };
  },
};

export default defineConfig({
  test: {
    // Console output of passing tests is noise: the logs that tests provoke on
    // purpose show only when a test fails, where they help.
    silent: 'passed-only',
    // Name a passing test only when it is really slow: a list of every test over
    // the default 300 ms (a hundred renders and emulator round trips) buries a failure.
    slowTestThreshold: 10_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          // Many unit tests render with wasm-vips: a fresh worker's first render costs 1.5-2 s of
          // CPU, which a shared, loaded machine stretched past the 5 s default. A hang guard, not a limit.
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          // The gallery page in Debian's chromium against the dev server (see test/e2e).
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          // The AWS adapters and Lambda handlers against fauxqs (S3, SQS) and dynalite (DynamoDB)
          // on 127.0.0.1, started once for the project by the global setup.
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          env: {
            AWS_ACCESS_KEY_ID: 'test',
            AWS_SECRET_ACCESS_KEY: 'test',
            AWS_REGION: 'us-east-1',
            AWS_EC2_METADATA_DISABLED: 'true',
          },
        },
      },
      {
        extends: true,
        test: {
          // The CDK app: synthesizes the stack (esbuild bundling included) and asserts the template.
          name: 'deploy',
          include: ['test/deploy/**/*.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // The Cloudflare Worker and its adapters inside workerd (Miniflare's local R2, D1,
        // Queues and Images), with a recorder Worker on the dead-letter and contract queues.
        plugins: [
          quietMissingSources,
          cloudflareTest(async () => ({
            main: './src/entrypoints/cloudflare/worker.ts',
            miniflare: {
              compatibilityDate: '2026-04-20',
              // The pool itself needs nodejs_compat; the deployed Worker does not.
              compatibilityFlags: ['nodejs_compat'],
              r2Buckets: ['PHOTOS'],
              d1Databases: ['DB'],
              kvNamespaces: { RECEIVED: 'received' },
              images: { binding: 'IMAGES' },
              queueProducers: {
                THUMBNAIL_JOBS: { queueName: 'thumbnails' },
                CONTRACT_JOBS: { queueName: 'contract-jobs' },
              },
              queueConsumers: {
                thumbnails: {
                  maxBatchSize: 10,
                  maxBatchTimeout: 0.2,
                  maxRetries: 2,
                  retryDelay: 0,
                  deadLetterQueue: 'thumbnails-dlq',
                },
              },
              bindings: {
                AUTH_MODE: 'dev',
                URL_SIGNING_SECRET: 'workerd-test-secret-0123456789abcdef0123',
                // Multipart over 6 MiB, in parts of 5 MiB (R2's least), so a test file need not be 16 MiB.
                MULTIPART_THRESHOLD_BYTES: String(6 * 1024 * 1024),
                MULTIPART_PART_BYTES: String(5 * 1024 * 1024),
                TEST_MIGRATIONS: await readD1Migrations('deploy/cloudflare/migrations'),
              },
              workers: [
                {
                  name: 'dlq-recorder',
                  modules: true,
                  scriptPath: 'test/workers/dlq-recorder.js',
                  compatibilityDate: '2026-04-20',
                  kvNamespaces: { RECEIVED: 'received' },
                  queueConsumers: {
                    'thumbnails-dlq': { maxBatchTimeout: 0.2 },
                    'contract-jobs': { maxBatchTimeout: 0.2 },
                  },
                },
              ],
            },
          })),
        ],
        test: {
          name: 'workers',
          include: ['test/workers/**/*.test.ts'],
          globalSetup: ['test/workers/global-setup.ts'],
          setupFiles: ['test/workers/apply-migrations.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
