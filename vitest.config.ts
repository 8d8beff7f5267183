import { defineConfig } from 'vitest/config';

/**
 * One vitest project per kind of test, so each can be run alone
 * (`npx vitest run --project unit`) and given its own setup.
 */
export default defineConfig({
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
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
    ],
  },
});
