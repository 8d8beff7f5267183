import { applyD1Migrations } from 'cloudflare:test';
import { env } from 'cloudflare:workers';

// The schema of deploy/cloudflare/migrations, applied once per test file (it is idempotent).
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
