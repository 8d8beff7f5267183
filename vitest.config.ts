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
    ],
  },
});
